"""Character length ratios of professional translations, for the ``length_ratio`` flag.

Reads the parallel news text in ``../shared/data`` (WMT19 newstest en-ru and ru-en, line
aligned; WMT21 newstest ru-en, two translators' references) and prints, per set and direction:
the corpus ratio (characters of the translations / characters of their sources, as
``length_ratio`` counts them), the per-segment ratio's median, percentiles and spread (standard
deviation of its logarithm), and the share of segments inside the flag's band: the fixed
0.5-2.0 it had before, and 0.5-2x the ratio expected for the language pair
(``chars_per_en_char`` in ``models/languages.toml``) now.

Russian's ``chars_per_en_char`` is the geometric mean of the two directions' corpus ratios
(Russian/English translated from English, and the inverse of English/Russian translated from
Russian), which cancels the few per cent a translation runs longer than its original in either
direction. Some lines of the WMT19 en-ru reference hold two alternative translations one after
the other; they are counted, and the shares are also given without them.

    python bench/length_ratios.py [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import math
import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from summarize.input.languages import get_language
from summarize.input.wmt_xml import read_test_set
from summarize.tasks.text_checks import LENGTH_RATIO_BAND, length_ratio, length_ratio_range

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
PERCENTILES = (1, 5, 50, 95, 99)
# A reference line "holds two translations" when it splits after a sentence into two halves
# whose word sets overlap this much (Jaccard).
DOUBLED_OVERLAP = 0.5
_SENTENCE_END = re.compile(r"(?<=[.!?»\"'])\s+")


@dataclass
class ParallelSet:
    name: str
    source_lang: str
    target_lang: str
    sources: list[str]
    translations: list[str]


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def read_sets(data: Path) -> list[ParallelSet]:
    wmt19 = data / "wmt19"
    sets = [
        ParallelSet(
            "wmt19 newstest en-ru",
            "en",
            "ru",
            _lines(wmt19 / "newstest2019-en-ru.src.en"),
            _lines(wmt19 / "newstest2019-en-ru.ref.ru"),
        ),
        ParallelSet(
            "wmt19 newstest ru-en",
            "ru",
            "en",
            _lines(wmt19 / "newstest2019-ru-en.src.ru"),
            _lines(wmt19 / "newstest2019-ru-en.ref.en"),
        ),
    ]
    test_set = read_test_set(data / "wmt21" / "newstest2021.ru-en.all.xml")
    for translator, references in test_set.references.items():
        kept = [(s, r) for s, r in zip(test_set.sources, references, strict=True) if r.strip()]
        sets.append(
            ParallelSet(
                f"wmt21 newstest ru-en ref {translator}",
                "ru",
                "en",
                [source for source, _ in kept],
                [reference for _, reference in kept],
            )
        )
    return sets


def holds_two_translations(translation: str) -> bool:
    """The line is two alternative translations of one sentence, one after the other."""
    cuts = [match.start() for match in _SENTENCE_END.finditer(translation)]
    for cut in cuts:
        first, second = (
            set(re.findall(r"\w+", part.lower())) for part in (translation[:cut], translation[cut:])
        )
        if first and second and len(first & second) / len(first | second) >= DOUBLED_OVERLAP:
            return True
    return False


def percentile(sorted_values: Sequence[float], percent: float) -> float:
    """Nearest-rank percentile of already sorted values."""
    rank = max(1, math.ceil(percent / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def corpus_ratio(sources: Sequence[str], translations: Sequence[str]) -> float:
    return sum(len(t.strip()) for t in translations) / sum(len(s.strip()) for s in sources)


def share_inside(ratios: Sequence[float], band: tuple[float, float]) -> float:
    low, high = band
    return sum(low <= ratio <= high for ratio in ratios) / len(ratios)


def report(parallel: ParallelSet) -> None:
    pairs = list(zip(parallel.sources, parallel.translations, strict=True))
    ratios = sorted(length_ratio(translation, source) for source, translation in pairs)
    logs = [math.log(ratio) for ratio in ratios]
    target, source = get_language(parallel.target_lang), get_language(parallel.source_lang)
    band = length_ratio_range(target, source)
    doubled = {i for i, (_, translation) in enumerate(pairs) if holds_two_translations(translation)}
    single = [
        length_ratio(translation, source)
        for i, (source, translation) in enumerate(pairs)
        if i not in doubled
    ]
    spread = ", ".join(f"p{p} {percentile(ratios, p):.2f}" for p in PERCENTILES)
    print(f"{parallel.name} ({len(pairs)} segments, {parallel.source_lang}→{parallel.target_lang})")
    print(f"  corpus ratio {corpus_ratio(parallel.sources, parallel.translations):.3f}")
    print(f"  per segment: {spread}; min {ratios[0]:.2f}, max {ratios[-1]:.2f}")
    print(f"  sd of log ratio {statistics.pstdev(logs):.3f}")
    fixed = LENGTH_RATIO_BAND
    print(f"  inside fixed {fixed[0]}-{fixed[1]}: {share_inside(ratios, fixed):.1%}")
    print(f"  inside {band[0]:.3f}-{band[1]:.3f}: {share_inside(ratios, band):.1%}")
    if doubled:
        print(
            f"  {len(doubled)} lines hold two translations; without them: "
            f"{share_inside(single, fixed):.1%} inside {fixed[0]}-{fixed[1]}, "
            f"{share_inside(single, band):.1%} inside {band[0]:.3f}-{band[1]:.3f}"
        )


def russian_chars_per_en_char(sets: Sequence[ParallelSet]) -> float:
    """Geometric mean of ru/en from English and the inverse of en/ru from Russian (pooled)."""

    def pooled(source_lang: str) -> float:
        chosen = [s for s in sets if s.source_lang == source_lang]
        return corpus_ratio(
            [line for s in chosen for line in s.sources],
            [line for s in chosen for line in s.translations],
        )

    return math.sqrt(pooled("en") / pooled("ru"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    sets = read_sets(args.data)
    for parallel in sets:
        report(parallel)
    derived = russian_chars_per_en_char(sets)
    print(f"ru chars_per_en_char (geometric mean of the two directions): {derived:.3f}")
    print(f"models/languages.toml: ru {get_language('ru').chars_per_en_char}")


if __name__ == "__main__":
    main()
