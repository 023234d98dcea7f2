"""Model families of encoder-decoder models: what each needs to translate or summarise.

A family knows which model types and tokenizers are its own, which roles it plays, and how a
request is written for it: language-code tokens (NLLB-200, M2M100, mBART-50), a target token
(multi-target OPUS-MT), or a task prefix (T5). Families are registered with a decorator, the way
CTranslate2 registers its converter loaders, and tried in registration order; everything else about
a model (tokenizer, limits, generation config) is read from its files
(:mod:`~summarize.engines.seq2seq.models`).

"Family" is what a model *is*; the *runtime* that runs it (transformers or CTranslate2) is a
separate choice (``--backend``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from summarize.errors import UserError
from summarize.input.languages import model_code

if TYPE_CHECKING:
    from summarize.input.languages import Language

TRANSLATOR = ("translator",)


def token_id(tokenizer: Any, token: str) -> int | None:
    """The id of ``token`` if it is a real vocabulary entry (not mapped to <unk>)."""
    found = tokenizer.convert_tokens_to_ids(token)
    if found is None or (found == tokenizer.unk_token_id and token != tokenizer.unk_token):
        return None
    return int(found)


@dataclass(frozen=True)
class TranslationCodes:
    """How one translation request is written: a text prefix, the source-language token that
    starts the encoder input, and the token the decoder is forced to start with."""

    prefix: str = ""
    source_token: int | None = None
    forced_first: int | None = None


class Family:
    """Base family: a plain encoder-decoder summariser (BART, Pegasus, ...)."""

    name = "seq2seq"
    roles: tuple[str, ...] = ("summarizer",)
    summary_prefix = ""

    def matches(self, model_type: str, tokenizer: Any) -> bool:
        return True

    def translation_codes(
        self, tokenizer: Any, source: Language, target: Language, model: str
    ) -> TranslationCodes:
        raise UserError(f"model {model!r} ({self.name}) cannot act as a translator")

    def encode(self, tokenizer: Any, text: str, source_token: int | None) -> list[int]:
        """Encoder input ids: the tokenizer's own special tokens."""
        return list(tokenizer(text).input_ids)

    def __str__(self) -> str:
        return self.name


_FAMILIES: list[Family] = []


def register(cls: type[Family]) -> type[Family]:
    """Class decorator: add a family (tried before the ones registered after it)."""
    _FAMILIES.append(cls())
    return cls


def family_names() -> tuple[str, ...]:
    """The registered families' names, in registration order."""
    return tuple(family.name for family in _FAMILIES)


def detect(model_type: str, tokenizer: Any) -> Family:
    """The first registered family that claims the model; a plain summariser otherwise."""
    return next((f for f in _FAMILIES if f.matches(model_type, tokenizer)), Family())


@register
class Marian(Family):
    """OPUS-MT: one model per direction, or a multi-target model with a ``>>rus<<`` token."""

    name = "marian"
    roles = TRANSLATOR

    def matches(self, model_type: str, tokenizer: Any) -> bool:
        return model_type == "marian"

    def translation_codes(self, tokenizer, source, target, model) -> TranslationCodes:
        for code in (model_code(target, "iso3"), target.code):
            if code and token_id(tokenizer, f">>{code}<<") is not None:
                return TranslationCodes(prefix=f">>{code}<< ")
        return TranslationCodes()


@register
class T5(Family):
    """T5 and its kin: task prefixes for both roles."""

    name = "t5"
    roles = ("translator", "summarizer")
    summary_prefix = "summarize: "

    def matches(self, model_type: str, tokenizer: Any) -> bool:
        return model_type in {"t5", "mt5", "umt5", "longt5"}

    def translation_codes(self, tokenizer, source, target, model) -> TranslationCodes:
        return TranslationCodes(prefix=f"translate {source.name} to {target.name}: ")


class LanguageTokenFamily(Family):
    """Multilingual models with a language-code token before the source and forced as the first
    output token: ``pattern`` filled with the language's code in ``scheme`` (languages.toml)."""

    roles = TRANSLATOR
    model_types = frozenset({"m2m_100", "mbart", "nllb-moe"})
    pattern = "{}"
    scheme = ""
    probe = ""  # English's code: a tokenizer that has this token is of this family

    def matches(self, model_type: str, tokenizer: Any) -> bool:
        return model_type in self.model_types and (
            token_id(tokenizer, self.pattern.format(self.probe)) is not None
        )

    def translation_codes(self, tokenizer, source, target, model) -> TranslationCodes:
        ids = []
        for language in (source, target):
            code = model_code(language, self.scheme)
            found = token_id(tokenizer, self.pattern.format(code)) if code else None
            if found is None:
                raise UserError(
                    f"model {model!r} ({self.name}) has no language code for "
                    f"{language.name} ({language.code})"
                )
            ids.append(found)
        return TranslationCodes(source_token=ids[0], forced_first=ids[1])

    def encode(self, tokenizer: Any, text: str, source_token: int | None) -> list[int]:
        body = tokenizer(text, add_special_tokens=False).input_ids
        return [source_token, *body, tokenizer.eos_token_id]


def _language_family(name: str, pattern: str, scheme: str, probe: str) -> Callable:
    return type(
        name.upper(),
        (LanguageTokenFamily,),
        {"name": name, "pattern": pattern, "scheme": scheme, "probe": probe},
    )


register(_language_family("nllb", "{}", "nllb", "eng_Latn"))
register(_language_family("m2m100", "__{}__", "m2m", "en"))
register(_language_family("mbart50", "{}", "mbart", "en_XX"))
