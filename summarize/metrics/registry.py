"""The metric registry: every metric the tool reports, defined once.

A :class:`MetricSpec` is the only home of a metric. It says what the metric is called in every
output (one ``key``: JSON, CSV and ``--metrics``), how it is shown (``display``, direction, scale,
a one-line ``description`` for legends, its number formats, the tables it has a column in) and
how it is computed: per output in ``run`` and ``batch`` (``translation``: one system's outputs
over a document; ``summary``: one summary; see :mod:`summarize.metrics.outputs`), and over a
corpus in ``summarize score`` (``build``: a sacrebleu ``Metric`` giving corpus score, segment
scores and signature). ``run``, ``batch``, ``score`` and every renderer iterate over the
registry, so adding a metric is one :func:`register` call.

Signatures are made by the metric implementations (sacrebleu's own for BLEU/chrF/TER, and
:func:`summarize.metrics.rouge.rouge_signature`, :func:`summarize.metrics.similarity.
embedding_signature`, :data:`summarize.metrics.extractiveness` for the others), one function per
metric whichever command computes it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from summarize.errors import UserError
from summarize.metrics import outputs
from summarize.metrics.comet import COMET_MODEL, KIWI_MODEL
from summarize.metrics.outputs import SummaryOutput, TranslationOutputs
from summarize.result import RunResult, Score

if TYPE_CHECKING:
    from summarize.metrics.translation import SacrebleuOptions

# Kinds of output a metric may score in `run` and `batch`, and the tables that show them.
KINDS = ("translation", "summary")
VIEWS = ("run", "batch")  # run: the run report's score tables; batch: the batch reports


@dataclass(frozen=True)
class MetricInputs:
    """What a corpus metric object may need besides hypotheses and references."""

    sources: list[str] | None
    embedder: Callable[[], Any]  # loads the embedding model on first call
    # The language of the hypotheses (ISO 639-1), as sacrebleu's `-l SRC-TGT` gives it, and
    # sacrebleu's own options (None: its defaults).
    target_language: str | None = None
    sacrebleu: SacrebleuOptions | None = None
    # The embedder's name (a preset, Hub id or directory: what ``--embedder`` names).
    embedder_name: str = "minilm"
    # The references' language as identified from their text, asked only by the embedding
    # metrics when ``target_language`` is not given (None: not identified).
    identify_language: Callable[[], str | None] | None = None


@dataclass(frozen=True)
class MetricSpec:
    key: str
    display: str
    # True: higher is better (↑); False: lower is better (↓); None: descriptive, no direction.
    higher_is_better: bool | None
    scale: str  # the range of values, for legends: "0-100", "0-1", ">= 1", ...
    description: str  # one line: what it measures
    aliases: tuple[str, ...] = ()
    # Builds the corpus metric object for `summarize score` (None: reported by run/batch only).
    build: Callable[[MetricInputs], Any] | None = None
    needs_source: bool = False
    # Shorter header for narrow tables (segment columns); the display name otherwise.
    short: str | None = None
    groups: tuple[str, ...] = field(default_factory=tuple)
    # `run` and `batch`: the metric's score of one translation system's outputs over a document,
    # and of one summary (None: not computed for that kind; the function may return None where
    # it does not apply, e.g. no reference summary).
    translation: Callable[[TranslationOutputs], Score | None] | None = None
    summary: Callable[[SummaryOutput], Score | None] | None = None
    # Numbers a batch reads off a finished result instead of its scores, by kind (the share of
    # flagged outputs, a summary's length).
    document: dict[str, Callable[[Any], float]] = field(default_factory=dict)
    # Where it is shown (VIEWS); a view shows it for each kind it scores.
    shown: tuple[str, ...] = ()
    # Number formats: a cell of `run`'s tables; digits of batch means, intervals and score
    # lines; digits of `summarize score` (sacrebleu prints 0-100 metrics with one).
    cell: str = "{:.1f}"
    digits: int = 1
    score_digits: int = 3
    # Orders: columns in the tables of a view, and keys in a result's ``scores`` (the JSON);
    # lower first, ties in registration order, so a new metric goes last in both.
    table_rank: int = 1000
    result_rank: int = 1000

    @property
    def arrow(self) -> str:
        return {True: "↑", False: "↓", None: ""}[self.higher_is_better]

    @property
    def label(self) -> str:
        """The display name with its direction: ``BLEU ↑``, ``TER ↓``, ``words``."""
        return f"{self.display} {self.arrow}".rstrip()

    @property
    def column(self) -> str:
        return self.short or self.display

    @property
    def header(self) -> str:
        """The column header with direction: ``chrF++ ↑``, ``compr.``."""
        return f"{self.column} {self.arrow}".rstrip()

    def scores(self, kind: str) -> bool:
        """Whether ``run``/``batch`` give this metric for ``kind`` of output."""
        return getattr(self, kind) is not None or kind in self.document

    def format(self, value: float) -> str:
        """A value as a cell of ``run``'s tables."""
        return self.cell.format(value)

    def legend(self) -> str:
        """``BLEU ↑: what it measures (range; direction)``; a metric shown under a shorter
        column header names it too: ``ROUGE-1 P ↑ (column R-1 P): ...``."""
        direction = {True: "higher is better", False: "lower is better", None: "no direction"}
        column = f" (column {self.short})" if self.short and self.short != self.display else ""
        return (
            f"{self.label}{column}: {self.description} "
            f"({self.scale}; {direction[self.higher_is_better]})"
        )


METRICS: dict[str, MetricSpec] = {}


def register(spec: MetricSpec) -> MetricSpec:
    if spec.key in METRICS:
        raise ValueError(f"metric {spec.key!r} registered twice")
    METRICS[spec.key] = spec
    return spec


def get(key: str) -> MetricSpec:
    return METRICS[key]


def find(name: str) -> MetricSpec | None:
    """The metric a user's name means: its key or an alias, in any case."""
    wanted = name.strip().lower()
    for spec in METRICS.values():
        if wanted == spec.key.lower() or wanted in (alias.lower() for alias in spec.aliases):
            return spec
    return None


def label(key: str) -> str:
    """The display name with direction of ``key`` (the key itself for an unknown metric)."""
    spec = METRICS.get(key)
    return spec.label if spec else key


def legend(keys: Sequence[str]) -> list[str]:
    """One line per known metric of ``keys``, each once, in order."""
    return [METRICS[key].legend() for key in dict.fromkeys(keys) if key in METRICS]


def unregister(key: str) -> MetricSpec:
    """Remove a metric (tests register throwaway ones)."""
    return METRICS.pop(key)


# -- `run` and `batch`: computing and showing per output -----------------------------------


def columns(view: str, kind: str) -> list[str]:
    """Keys of the metrics ``view`` shows for ``kind`` of output, in column order."""
    shown = [s for s in METRICS.values() if view in s.shown and s.scores(kind)]
    return [spec.key for spec in sorted(shown, key=lambda spec: spec.table_rank)]


def _computed(kind: str) -> list[MetricSpec]:
    found = [spec for spec in METRICS.values() if getattr(spec, kind) is not None]
    return sorted(found, key=lambda spec: spec.result_rank)


def score_translation(output: TranslationOutputs) -> dict[str, Score]:
    """Every registered metric of one translation system's outputs, keyed by metric."""
    found = ((spec.key, spec.translation(output)) for spec in _computed("translation"))
    return {key: score for key, score in found if score is not None}


def score_summary(output: SummaryOutput) -> dict[str, Score]:
    """Every registered metric of one summary, keyed by metric."""
    found = ((spec.key, spec.summary(output)) for spec in _computed("summary"))
    return {key: score for key, score in found if score is not None}


def document_values(result: RunResult) -> dict[str, dict[str, float]]:
    """Per system, the numbers of one document that the batch reports average, plot and
    list (the metrics of the ``batch`` view)."""
    values: dict[str, dict[str, float]] = {}
    for kind, items in (("translation", result.translations), ("summary", result.summaries)):
        for item in items:
            numbers = {}
            for key in columns("batch", kind):
                read = METRICS[key].document.get(kind)
                if read is not None:
                    numbers[key] = read(item)
                elif key in item.scores:
                    numbers[key] = item.scores[key].value
            values[item.name] = numbers
    return values


# -- `summarize score`: names, groups, defaults --------------------------------------------


def scorable() -> list[MetricSpec]:
    return [spec for spec in METRICS.values() if spec.build is not None]


def groups() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for spec in scorable():
        for group in spec.groups:
            found.setdefault(group, []).append(spec.key)
    return found


DEFAULT_SCORE_METRICS = ("bleu", "chrf", "chrf++", "ter", "rouge1", "rouge2", "rougeL")


def parse_metrics(names: Sequence[str]) -> list[str]:
    """Keys of the metrics ``names`` ask for (keys, aliases or groups; repeats dropped, order
    kept); the defaults when ``names`` is empty. An unknown name is a one-line error."""
    if names and not any(name.strip() for name in names):
        raise UserError("no metric named; give metric names, e.g. bleu,chrf")
    chosen: list[str] = []
    known_groups = groups()
    for raw in names or DEFAULT_SCORE_METRICS:
        name = raw.strip()
        if not name:
            continue
        group = next((g for g in known_groups if g.lower() == name.lower()), None)
        spec = find(name)
        if group is None and (spec is None or spec.build is None):
            choices = ", ".join(spec.key for spec in scorable())
            raise UserError(
                f"unknown metric {name!r}; choose from {choices} "
                f"(or the groups {', '.join(known_groups)})"
            )
        for key in known_groups[group] if group else [spec.key]:
            if key not in chosen:
                chosen.append(key)
    return chosen


def build_metrics(keys: Sequence[str], inputs: MetricInputs) -> dict[str, Any]:
    """Corpus metric objects keyed by metric key."""
    metrics = {}
    for key in keys:
        spec = METRICS[key]
        if spec.needs_source and inputs.sources is None:
            raise UserError(f"metric {key!r} compares outputs with the source: pass ⟨sources⟩")
        metrics[key] = spec.build(inputs)
    return metrics


# -- the metrics -----------------------------------------------------------------------------


def _sacrebleu(name: str) -> Callable[[MetricInputs], Any]:
    def build(inputs: MetricInputs) -> Any:
        from summarize.metrics.translation import DEFAULT_OPTIONS, sacrebleu_metric

        return sacrebleu_metric(
            name,
            target_language=inputs.target_language,
            options=inputs.sacrebleu or DEFAULT_OPTIONS,
        )

    return build


def _rouge(rouge_type: str) -> Callable[[MetricInputs], Any]:
    def build(inputs: MetricInputs) -> Any:
        from summarize.metrics.rouge import RougeMetric

        return RougeMetric(rouge_type, inputs.target_language)

    return build


@dataclass(frozen=True)
class NotApplicable:
    """What ``build`` gives for a metric that cannot judge this text (the English embedder's
    cosine of Chinese text): `summarize score` reports it with no number and ``reason`` (which
    may name a setting, marked ``⟨...⟩``), and computes nothing for it."""

    reason: str
    signature: str


def _embedding(kind: str) -> Callable[[MetricInputs], Any]:
    """An embedding metric; not applicable for a language its embedder does not know (the
    English model's cosine of Russian text is not a number to report): the model is then
    never loaded."""

    def build(inputs: MetricInputs) -> Any:
        from summarize.engines.registry import embedder_not_applicable
        from summarize.metrics import similarity

        language = inputs.target_language
        if language is None and inputs.identify_language is not None:
            language = inputs.identify_language()
        reason = embedder_not_applicable(inputs.embedder_name, language)
        if reason is not None:
            metric = getattr(similarity, kind).name
            signature = f"{metric}|emb:{inputs.embedder_name}|lang:{language}|not-applicable"
            return NotApplicable(reason, signature)
        return getattr(similarity, kind)(inputs.embedder)

    return build


def _extractiveness(key: str) -> Callable[[MetricInputs], Any]:
    def build(inputs: MetricInputs) -> Any:
        from summarize.metrics.extractiveness import ExtractivenessMetric

        return ExtractivenessMetric(key, inputs.sources or [])

    return build


def _comet(key: str, model: str) -> Callable[[MetricInputs], Any]:
    def build(inputs: MetricInputs) -> Any:
        from summarize.metrics.comet.metric import comet_metric

        return comet_metric(key, model, inputs.sources or [])

    return build


def _unsupported(inputs: MetricInputs) -> Any:
    from summarize.metrics.consistency import UnsupportedMetric

    return UnsupportedMetric(inputs.sources or [])


# Extractiveness is descriptive: copying more is neither better nor worse (no arrow; `summarize
# score` ranks descriptive metrics highest first). Novel n-grams are marked ↓: words that are not
# in the source are where a summary can invent.
SOURCE = "against the source (the article)"
RUN_AND_BATCH = ("run", "batch")
for _spec in (
    MetricSpec(
        "bleu",
        "BLEU",
        True,
        "0-100",
        "word n-gram (1-4) precision with a brevity penalty (sacrebleu)",
        build=_sacrebleu("bleu"),
        translation=outputs.sacrebleu_corpus("bleu"),
        shown=RUN_AND_BATCH,
        score_digits=1,
        table_rank=10,
        result_rank=10,
    ),
    MetricSpec(
        "chrf",
        "chrF2",
        True,
        "0-100",
        "character n-gram F-score (sacrebleu)",
        build=_sacrebleu("chrf"),
        score_digits=1,
    ),
    MetricSpec(
        "chrf++",
        "chrF2++",
        True,
        "0-100",
        "character n-gram and word bigram F-score (sacrebleu); per sentence in tables",
        build=_sacrebleu("chrf++"),
        short="chrF++",
        translation=outputs.sacrebleu_corpus("chrf++"),
        shown=RUN_AND_BATCH,
        score_digits=1,
        table_rank=20,
        result_rank=20,
    ),
    MetricSpec(
        "ter",
        "TER",
        False,
        "0-100+, can exceed 100",
        "edits needed to turn the output into the reference, per reference word (sacrebleu)",
        build=_sacrebleu("ter"),
        translation=outputs.sacrebleu_corpus("ter"),
        shown=RUN_AND_BATCH,
        score_digits=1,
        table_rank=30,
        result_rank=30,
    ),
    *(
        MetricSpec(
            f"pivot_{key}",
            f"pivot {display}",
            higher,
            scale,
            f"{display} of the pivot (the first leg) against the human translation into the pivot "
            "language (--pivot-ref; sacrebleu, the pivot language's tokeniser)",
            translation=outputs.pivot_corpus(f"pivot_{key}"),
            shown=RUN_AND_BATCH,
            table_rank=rank,
            result_rank=rank,
        )
        for key, display, higher, scale, rank in (
            ("bleu", "BLEU", True, "0-100", 32),
            ("chrf++", "chrF2++", True, "0-100", 34),
            ("ter", "TER", False, "0-100+, can exceed 100", 36),
        )
    ),
    *(
        MetricSpec(
            key,
            display,
            True,
            "0-100",
            f"{what} overlap with the reference, F1 (rouge-score, stemmed); against a whole "
            "article it falls as a summary gets shorter",
            build=_rouge(key),
            groups=("rouge",),
            short=display.replace("ROUGE", "R"),
            summary=outputs.rouge_f1(key) if per_output else None,
            shown=shown,
            score_digits=1,
            table_rank=rank,
            result_rank=result_rank,
        )
        for key, display, what, per_output, shown, rank, result_rank in (
            ("rouge1", "ROUGE-1", "word", True, RUN_AND_BATCH, 90, 50),
            ("rouge2", "ROUGE-2", "word-bigram", True, ("batch",), 100, 51),
            ("rougeL", "ROUGE-L", "longest-common-subsequence", True, RUN_AND_BATCH, 110, 52),
            (
                "rougeLsum",
                "ROUGE-Lsum",
                "summary-level longest-common-subsequence",
                False,
                (),
                1000,
                1000,
            ),
        )
    ),
    *(
        MetricSpec(
            f"{key}_precision",
            f"{display} P",
            True,
            "0-100",
            f"{display} precision against the article: the share of the summary ({what}s) that "
            "the article supports; compression does not lower it",
            short=f"{display.replace('ROUGE', 'R')} P",
            summary=outputs.rouge_precision(key),
            shown=shown,
            table_rank=rank,
            result_rank=result_rank,
        )
        for key, display, what, shown, rank, result_rank in (
            ("rouge1", "ROUGE-1", "word", RUN_AND_BATCH, 40, 60),
            ("rouge2", "ROUGE-2", "word bigram", (), 1000, 61),
            ("rougeL", "ROUGE-L", "in-order word", RUN_AND_BATCH, 50, 62),
        )
    ),
    *(
        MetricSpec(
            f"ref_{key}",
            f"{display} vs ref.",
            True,
            "0-100",
            f"{display} F1 of a summary against the supplied reference summary",
            summary=outputs.reference_rouge(key),
            shown=("batch",),
            table_rank=rank,
            result_rank=result_rank,
        )
        for key, display, rank, result_rank in (
            ("rouge1", "ROUGE-1", 170, 70),
            ("rouge2", "ROUGE-2", 180, 71),
            ("rougeL", "ROUGE-L", 190, 72),
        )
    ),
    MetricSpec(
        "embedding_cosine",
        "emb. cosine",
        True,
        "-1 to 1",
        "cosine of sentence embeddings (all-MiniLM-L6-v2, English, or --embedder) of output and "
        "reference, averaged over segments; for a summary, of the summary and the article; not "
        "reported for a language the embedder does not know",
        aliases=("emb", "emb_cosine"),
        build=_embedding("SegmentCosineMetric"),
        short="cos",
        groups=("embedding",),
        translation=outputs.translation_cosine,
        summary=outputs.summary_cosine,
        shown=RUN_AND_BATCH,
        cell="{:.3f}",
        digits=3,
        table_rank=70,
        result_rank=80,
    ),
    MetricSpec(
        "logprob",
        "log-prob",
        True,
        "<= 0, nats per token",
        "reference-free: the scoring model's mean log-probability per token of each output given "
        "its input (forced decoding with the prompt it translates with; one --scorer for every "
        "system, default the first translator; --scorer cometkiwi: CometKiwi's 0-1 estimate "
        "instead); per leg in the sentence tables (pivot / back), their mean here; † "
        "self-scored: the model that made the output scored it, and a model rates its own text "
        "above others' (docs/scoring.md)",
        aliases=("lp", "likelihood"),
        short="LP",
        translation=outputs.leg_logprob,
        shown=RUN_AND_BATCH,
        cell="{:.2f}",
        digits=2,
        table_rank=75,
        result_rank=85,
    ),
    MetricSpec(
        "embedding_cosine_doc",
        "doc emb. cosine",
        True,
        "-1 to 1",
        "cosine of the two documents' mean sentence embeddings",
        aliases=("emb-doc", "emb_doc_cosine"),
        build=_embedding("DocumentCosineMetric"),
        groups=("embedding",),
    ),
    MetricSpec(
        "bertscore",
        "BERTScore-F1 (MiniLM)",
        True,
        "0-100",
        "greedy token matching F1 of MiniLM token vectors (no idf, no rescaling)",
        aliases=("bertscore_f",),
        build=_embedding("GreedyTokenMetric"),
        score_digits=1,
    ),
    MetricSpec(
        "comet",
        "COMET-22",
        True,
        "about 0-1",
        "learned estimate of translation quality from source, output and reference "
        f"({COMET_MODEL} on XLM-R large, from the Hugging Face Hub)",
        aliases=("comet22", "wmt22-comet-da"),
        build=_comet("comet", COMET_MODEL),
        needs_source=True,
        score_digits=4,
    ),
    MetricSpec(
        "cometkiwi",
        "CometKiwi",
        True,
        "about 0-1",
        "reference-free: learned estimate of translation quality from source and output "
        f"({KIWI_MODEL}, gated on the Hugging Face Hub); references are not used",
        aliases=("kiwi", "wmt22-cometkiwi-da"),
        build=_comet("cometkiwi", KIWI_MODEL),
        needs_source=True,
        score_digits=4,
    ),
    MetricSpec(
        "coverage",
        "coverage",
        None,
        "0-1",
        f"share of output words inside fragments copied from the source ({SOURCE})",
        build=_extractiveness("coverage"),
        needs_source=True,
        groups=("extractiveness",),
        summary=outputs.summary_fragments("coverage"),
        shown=("run",),
        cell="{:.2f}",
        table_rank=130,
        result_rank=91,
    ),
    MetricSpec(
        "density",
        "density",
        None,
        ">= 0",
        f"mean squared length of copied fragments: how extractive ({SOURCE})",
        build=_extractiveness("density"),
        needs_source=True,
        groups=("extractiveness",),
        summary=outputs.summary_fragments("density"),
        shown=("run",),
        table_rank=140,
        result_rank=92,
    ),
    MetricSpec(
        "compression_ratio",
        "compression",
        None,
        "> 0, source words / output words",
        f"how much shorter the output is ({SOURCE})",
        aliases=("compression",),
        short="compr.",
        build=_extractiveness("compression_ratio"),
        needs_source=True,
        groups=("extractiveness",),
        summary=outputs.summary_compression,
        shown=RUN_AND_BATCH,
        cell="{:.1f}x",
        table_rank=120,
        result_rank=90,
    ),
    MetricSpec(
        "novel_unigrams",
        "novel 1-grams",
        False,
        "0-1",
        f"share of output words not in the source ({SOURCE})",
        aliases=("novel1",),
        build=_extractiveness("novel_unigrams"),
        needs_source=True,
        groups=("extractiveness",),
        summary=outputs.summary_fragments("novel_unigrams"),
        result_rank=93,
    ),
    MetricSpec(
        "novel_bigrams",
        "novel 2-grams",
        False,
        "0-1",
        f"share of output word bigrams not in the source ({SOURCE})",
        aliases=("novel2",),
        short="novel 2g",
        build=_extractiveness("novel_bigrams"),
        needs_source=True,
        groups=("extractiveness",),
        summary=outputs.summary_fragments("novel_bigrams"),
        shown=("run",),
        cell="{:.0%}",
        table_rank=150,
        result_rank=94,
    ),
    MetricSpec(
        "unsupported",
        "unsupported/seg",
        False,
        ">= 0, per segment",
        f"numbers and names in the output that the source does not contain ({SOURCE})",
        build=_unsupported,
        needs_source=True,
        short="unsupp.",
        summary=outputs.summary_unsupported,
        shown=RUN_AND_BATCH,
        cell="{:.0f}",
        table_rank=60,
        result_rank=95,
    ),
    MetricSpec(
        "flagged_share",
        "flagged %",
        False,
        "0-100",
        "share of outputs with at least one quality flag: of a document's segments (translation), "
        "of the documents (summary)",
        document={
            "translation": outputs.flagged_segment_share,
            "summary": outputs.flagged_summary,
        },
        shown=("batch",),
        table_rank=80,
    ),
    MetricSpec(
        "words",
        "words",
        None,
        ">= 0",
        "length of the summary in words",
        document={"summary": outputs.summary_words},
        shown=("batch",),
        table_rank=160,
    ),
):
    register(_spec)
