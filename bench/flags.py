"""How well the translation flags find real damage: precision and recall on a hand-labelled set,
and how often they fire on a professional translation.

``bench/flag-labels.jsonl`` holds English outputs, each labelled by reading it with the damage
it shows (``bench/flag-labels.md`` has the rule): back-translations of our own round trips
(the seed article, CNN/DailyMail articles; their pivots and outputs are stored) and WMT21
Russian→English translations (systems and reference B, against reference A; stored as
pointers, their texts read from ``../shared/data/wmt21``). Each output gets the flags the
current code gives it, built the way the pipeline builds them (a back-translation against its
original, a reference-mode translation against its reference), and each flag is compared with
the label of the damage it is for.

Then every pair of professional translations in the shared data is flagged, each as a
reference-mode translation of its source against the other: the 1,000 WMT21 Russian→English
news segments (reference B against A, and A against B) and the 2,037 WMT22 English→Chinese
segments (Chinese reference B against A, and A against B); where there is one professional
translation only (WMT21 Japanese→English and English→Japanese, reference A), it is flagged
against its source alone (every flag but ``consistency``). A professional translation, so each
flag is a false alarm by construction (the rate of segments flagged, all flags and per code).

    python bench/flags.py --label after      # writes bench/results/flags-after.json
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from summarize.engines.causal.prompted import translation_prompt_texts
from summarize.input.languages import Language, get_language
from summarize.input.segment import segment_document
from summarize.input.wmt_xml import TestSet, read_test_set
from summarize.tasks.flags import Output, OutputKind, checks_for, flags_of

REPO = Path(__file__).resolve().parent.parent
DATA = REPO.parent / "shared" / "data"
LABELS = REPO / "bench" / "flag-labels.jsonl"
WMT21 = DATA / "wmt21" / "newstest2021.ru-en.all.xml"
WMT22_EN_ZH = DATA / "wmt22" / "wmttest2022.en-zh.all.xml"
WMT21_JA_EN = DATA / "wmt21" / "newstest2021.ja-en.all.xml"
WMT21_EN_JA = DATA / "wmt21" / "newstest2021.en-ja.all.xml"
CNNDM = DATA / "cnndm" / "test-articles.jsonl"
EN, RU, ZH, JA = (get_language(code) for code in ("en", "ru", "zh", "ja"))
# Flags that the set cannot show: a stored output is no longer a truncated generation.
NOT_MEASURED = {"truncated"}


@dataclass(frozen=True)
class Item:
    """One labelled output, with the flags the current code gives it."""

    id: str
    source: str
    kind: OutputKind
    damage: frozenset[str]
    flags: frozenset[str]


# The WMT21 test sets the labelled set points into: a record's ``pair`` (Russian→English when
# it has none) → the file, and the languages of its outputs and of its sources.
TEST_SETS = {"ru-en": (WMT21, "en", "ru"), "ja-en": (WMT21_JA_EN, "en", "ja")}


class Texts:
    """The texts that the labelled set points to: the seed, CNN/DailyMail articles (by
    sentence, segmented as the pipeline does) and the WMT21 test sets."""

    def __init__(self) -> None:
        self.test_sets: dict[str, TestSet] = {
            name: read_test_set(path) for name, (path, _, _) in TEST_SETS.items()
        }
        self.positions = {
            name: {
                (doc, seg): i
                for i, (doc, seg) in enumerate(zip(test.doc_ids, test.seg_ids, strict=True))
            }
            for name, test in self.test_sets.items()
        }
        articles = (json.loads(line) for line in CNNDM.read_text(encoding="utf-8").splitlines())
        self.articles = {article["id"]: article["text"] for article in articles}

    @property
    def test_set(self) -> TestSet:
        """WMT21 Russian→English."""
        return self.test_sets["ru-en"]

    def sentence(self, source: str, document: str, segment: int) -> str:
        """A sentence of our own round trips' originals."""
        if source == "seed":
            text = (REPO / document).read_text(encoding="utf-8")
        else:
            text = self.articles[document]
        return segment_document(text, "en")[segment].text

    def wmt(self, record: dict) -> tuple[str, str, str]:
        """A WMT21 translation: its source, the output and the reference."""
        pair = record.get("pair", "ru-en")
        test_set = self.test_sets[pair]
        i = self.positions[pair][(record["document"], record["segment"])]
        outputs = test_set.references.get(record["system"]) or test_set.systems[record["system"]]
        return test_set.sources[i], outputs[i], test_set.references[record["reference"]][i]


def output_of(record: dict, texts: Texts) -> Output:
    """The output of one labelled record, as the pipeline builds it."""
    if record["source"] == "wmt21":
        source, output, reference = texts.wmt(record)
        _, language, source_language = TEST_SETS[record.get("pair", "ru-en")]
        return reference_output(
            source, output, reference, get_language(language), get_language(source_language)
        )
    original = texts.sentence(record["source"], record["document"], record["segment"])
    pivot_language = get_language(record.get("pivot_language", "ru"))
    if record.get("step") == "pivot":
        return Output(
            OutputKind.PIVOT,
            record["pivot"],
            source=original,
            language=pivot_language,
            source_language=EN,
            prompt=translation_prompt_texts(record["prompt"] == "chat", EN, pivot_language),
        )
    return Output(
        OutputKind.BACK,
        record["output"],
        source=record["pivot"],
        language=EN,
        source_language=pivot_language,
        reference=original,
        prompt=translation_prompt_texts(record["prompt"] == "chat", pivot_language, EN),
    )


def reference_output(
    source: str,
    output: str,
    reference: str | None,
    language: Language = EN,
    source_language: Language = RU,
) -> Output:
    """A reference-mode translation (``tasks/reference.py``); Russian into English unless
    told otherwise."""
    return Output(
        OutputKind.TRANSLATION,
        output,
        source=source,
        language=language,
        source_language=source_language,
        reference=reference,
    )


def labelled_items(texts: Texts) -> list[Item]:
    items = []
    for line in LABELS.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        output = output_of(record, texts)
        flags = frozenset(flag.code for flag in flags_of(output))
        damage = frozenset(record["damage"])
        items.append(Item(record["id"], _part(record), output.kind, damage, flags))
    return items


def _part(record: dict) -> str:
    """Which part of the labelled set a record is in: its source, with its language pair or
    pivot where not Russian (``wmt21 ja-en``, ``seed zh pivot``)."""
    if "pair" in record:
        return f"{record['source']} {record['pair']}"
    if "pivot_language" in record:
        step = " (the pivots)" if record.get("step") == "pivot" else ""
        return f"{record['source']} {record['pivot_language']} pivot{step}"
    return record["source"]


def _ratio(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 3) if denominator else None


def precision_recall(items: list[Item]) -> dict[str, dict]:
    """Per flag code, over the items it applies to: true and false positives, misses,
    precision and recall."""
    codes: dict[str, set[OutputKind]] = {}
    for kind in dict.fromkeys(item.kind for item in items):
        for spec in checks_for(kind):
            if spec.code not in NOT_MEASURED:
                codes.setdefault(spec.code, set()).add(kind)
    table = {}
    for code, kinds in codes.items():
        judged = [item for item in items if item.kind in kinds]
        hits = sum(code in item.flags and code in item.damage for item in judged)
        raised = sum(code in item.flags for item in judged)
        damaged = sum(code in item.damage for item in judged)
        table[code] = {
            "items": len(judged),
            "damaged": damaged,
            "flagged": raised,
            "true_positives": hits,
            "precision": _ratio(hits, raised),
            "recall": _ratio(hits, damaged),
        }
    return table


def false_flags(outputs: Iterable[Output]) -> dict:
    """How many of a professional translation's segments are flagged, in all and per code."""
    by_code: Counter[str] = Counter()
    flagged = total = 0
    for output in outputs:
        codes = {flag.code for flag in flags_of(output)}
        flagged += bool(codes)
        total += 1
        by_code.update(codes)
    return {
        "segments": total,
        "flagged": flagged,
        "rate": _ratio(flagged, total),
        "by_code": {code: {"flagged": n, "rate": _ratio(n, total)} for code, n in by_code.items()},
    }


def reference_false_flags(
    test_set: TestSet, translator: str, reference: str | None, language: Language, source: Language
) -> dict:
    """One professional translation of ``test_set`` flagged against the other, or, with no
    ``reference``, against its source alone (every flag but ``consistency``)."""
    outputs = test_set.references[translator]
    references = test_set.references[reference] if reference else [None] * len(outputs)
    return false_flags(
        reference_output(text, output, against, language, source)
        for text, output, against in zip(test_set.sources, outputs, references, strict=True)
    )


def professional_false_flags(wmt21: TestSet) -> dict[str, dict]:
    """Every pair of professional translations in the shared data, each flagged as a
    reference-mode translation of its source against the other."""
    wmt22 = read_test_set(WMT22_EN_ZH)
    return {
        f"{test_set_name} {translator} against {reference}": reference_false_flags(
            test_set, translator, reference, language, source
        )
        for test_set_name, test_set, language, source in (
            ("WMT21 ru-en", wmt21, EN, RU),
            ("WMT22 en-zh", wmt22, ZH, EN),
        )
        for translator, reference in (("B", "A"), ("A", "B"))
    } | {
        f"{name} A against its source alone": reference_false_flags(
            read_test_set(path), "A", None, language, source
        )
        for name, path, language, source in (
            ("WMT21 ja-en", WMT21_JA_EN, EN, JA),
            ("WMT21 en-ja", WMT21_EN_JA, JA, EN),
        )
    }


def composition(items: list[Item]) -> dict:
    by_source: dict[str, dict[str, int]] = {}
    for item in items:
        counts = by_source.setdefault(item.source, {"items": 0, "consistency_damage": 0})
        counts["items"] += 1
        counts["consistency_damage"] += "consistency" in item.damage
    return by_source


def print_table(result: dict) -> None:
    print(f"labelled set: {result['labelled_set']}")
    print(f"{'flag':<14}{'items':>7}{'damaged':>9}{'flagged':>9}{'precision':>11}{'recall':>8}")
    for code, row in result["per_flag"].items():
        precision = "-" if row["precision"] is None else f"{row['precision']:.3f}"
        recall = "-" if row["recall"] is None else f"{row['recall']:.3f}"
        print(
            f"{code:<14}{row['items']:>7}{row['damaged']:>9}{row['flagged']:>9}"
            f"{precision:>11}{recall:>8}"
        )
    for name, rates in result["professional_translations"].items():
        codes = ", ".join(f"{code} {row['flagged']}" for code, row in rates["by_code"].items())
        print(
            f"{name}: {rates['flagged']} of {rates['segments']} segments flagged "
            f"({rates['rate']:.1%}; {codes})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--label", default="after", help="names the results file")
    args = parser.parse_args()
    texts = Texts()
    items = labelled_items(texts)
    result = {
        "labelled_set": composition(items),
        "per_flag": precision_recall(items),
        "professional_translations": professional_false_flags(texts.test_set),
        "disagreements": {
            item.id: {"damage": sorted(item.damage), "flags": sorted(item.flags)}
            for item in items
            if ("consistency" in item.damage) != ("consistency" in item.flags)
        },
    }
    out = REPO / "bench" / "results" / f"flags-{args.label}.json"
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print_table(result)
    print(f"wrote {out.relative_to(REPO)}")


if __name__ == "__main__":
    main()
