from __future__ import annotations

import html
import json
from pathlib import Path

from typer.testing import CliRunner

from summarize.cli.main import app
from summarize.input.languages import get_language, script_fraction
from summarize.resources import load_toml
from summarize.result import Flag
from summarize.tasks import flags
from summarize.tasks.flags import Output, OutputKind, flags_of
from summarize.tasks.text_checks import (
    commentary,
    expected_length_ratio,
    has_repetition_loop,
    length_ratio,
)
from tests.test_batch import ARTICLES, engines  # noqa: F401  (engines is a fixture)

EN, RU, DE = get_language("en"), get_language("ru"), get_language("de")
SOURCE = "The government declared a state of emergency in three regions on Friday."


def codes(flags) -> set[str]:
    return {flag.code for flag in flags}


def pivot_flags(pivot: str, language=RU) -> list[Flag]:
    """The flags of ``pivot`` as a round trip's pivot of :data:`SOURCE`."""
    return flags_of(Output(OutputKind.PIVOT, pivot, SOURCE, language=language, source_language=EN))


def summary_flags(summary: str, article: str) -> list[Flag]:
    return flags_of(Output(OutputKind.SUMMARY, summary, article, step="s"))


def test_script_fraction() -> None:
    assert script_fraction("Привет, мир", "Cyrillic") == 1.0
    assert script_fraction("Hello мир", "Cyrillic") == 3 / 8
    assert script_fraction("2022 - 5", "Latin") is None


def test_good_russian_pivot_has_no_flags() -> None:
    pivot = "В пятницу правительство ввело чрезвычайное положение в трёх регионах."
    assert pivot_flags(pivot) == []


def test_english_copied_into_cyrillic_pivot_is_copy_through() -> None:
    assert "copy_through" in codes(pivot_flags(SOURCE))


def test_english_left_in_latin_script_pivot_is_detected_by_language_id() -> None:
    pivot_de = "Die Regierung hat am Freitag in drei Regionen den Ausnahmezustand ausgerufen."
    assert pivot_flags(pivot_de, DE) == []
    assert "copy_through" in codes(pivot_flags(SOURCE, DE))


def test_empty_output() -> None:
    assert codes(pivot_flags("  ")) == {"empty"}


def test_length_ratio_outliers() -> None:
    assert "length_ratio" in codes(pivot_flags("Пятница."))
    assert "length_ratio" in codes(pivot_flags("Да " * 60))


# One sentence, faithfully translated: SOURCE in Chinese, Japanese, Russian and Korean.
FAITHFUL = {
    "zh": "政府周五宣布三个地区进入紧急状态。",
    "ja": "政府は金曜日、3つの地域に非常事態を宣言した。",
    "ru": "В пятницу правительство ввело чрезвычайное положение в трёх регионах.",
    "ko": "정부는 금요일 세 개 지역에 비상사태를 선포했다.",
}


def translation_flags(text: str, source: str, target: str, source_code: str) -> list[Flag]:
    """The flags of ``text`` as a reference-mode translation of ``source``."""
    output = Output(
        OutputKind.TRANSLATION,
        text,
        source,
        language=get_language(target),
        source_language=get_language(source_code),
    )
    return flags_of(output)


def length_message(flags: list[Flag]) -> str | None:
    return next((flag.message for flag in flags if flag.code == "length_ratio"), None)


def test_every_language_has_a_length_figure() -> None:
    """Adding a language to models/languages.toml needs its characters per English character."""
    table = load_toml("languages.toml")
    assert [code for code, entry in table.items() if "chars_per_en_char" not in entry] == []
    assert get_language("en").chars_per_en_char == 1.0


def test_faithful_translations_from_and_into_compact_scripts_have_the_expected_length() -> None:
    """Chinese and Japanese (written without spaces), Korean and Russian into English, and
    English into Chinese: faithful, so no length_ratio, though most are outside 0.5-2.0."""
    for code, text in FAITHFUL.items():
        assert length_message(translation_flags(SOURCE, text, "en", code)) is None, code
        assert length_message(translation_flags(text, SOURCE, code, "en")) is None, code
    assert length_ratio(SOURCE, FAITHFUL["zh"]) > 4  # the fixed band flagged it
    assert length_ratio(FAITHFUL["zh"], SOURCE) < 0.25


def test_truncated_or_ballooned_translations_are_flagged_with_the_expected_ratio() -> None:
    truncated = translation_flags("The government declared.", FAITHFUL["zh"], "en", "zh")
    assert length_message(truncated) == "length ratio 1.41 (expected 3.3 for zh→en) outside 1.7-6.7"
    ballooned = translation_flags(SOURCE + " " + SOURCE * 2, FAITHFUL["ja"], "en", "ja")
    assert "(expected 2.5 for ja→en)" in (length_message(ballooned) or "")
    assert length_message(translation_flags("Правительство.", SOURCE, "ru", "en")) is not None
    assert length_message(translation_flags(FAITHFUL["zh"] * 3, SOURCE, "zh", "en")) is not None
    russian = translation_flags(FAITHFUL["ru"] * 3, SOURCE, "ru", "en")
    assert length_message(russian) == "length ratio 2.88 (expected 1.0 for en→ru) outside 0.52-2.1"


def test_length_ratio_of_unknown_languages_keeps_the_fixed_band() -> None:
    output = Output(OutputKind.TRANSLATION, "Да " * 60, SOURCE)
    assert length_message(flags_of(output)) == "length ratio 2.49 outside 0.5-2.0"
    assert expected_length_ratio(None, get_language("zh")) == 1 / 0.3


def test_repetition_loop_is_flagged_but_repetition_copied_from_source_is_not() -> None:
    loop = "the troops arrived in the city and the troops arrived in the city and " * 3
    assert has_repetition_loop(loop)
    listing = (
        "units of the Republic of Belarus, the Republic of Armenia, the Republic of Tajikistan"
    )
    assert not has_repetition_loop(listing, source=listing)
    assert not has_repetition_loop("A short sentence without loops.")


def test_summary_flags() -> None:
    article = "One sentence here. Another one there."
    assert codes(summary_flags("", article)) == {"empty"}
    assert "not_shorter" in codes(summary_flags(article + " More.", article))
    assert summary_flags("One sentence.", article) == []


def test_flags_are_raised_only_by_the_flag_registry() -> None:
    """Every code the tool can raise is registered (so every legend and docs/flags.md explain
    it): no module but the registry makes a Flag (result.py reads saved ones back)."""
    import ast

    import summarize

    package = Path(summarize.__file__).parent
    makers = set()
    for module in package.rglob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Flag":
                makers.add(module.relative_to(package).as_posix())
    assert makers == {"tasks/flags.py", "result.py"}


def test_a_registered_flag_is_raised_and_explained_in_every_view(
    tmp_path: Path,
    engines,  # noqa: F811  (the fixture)
    monkeypatch,
) -> None:
    """Adding a flag is one register() call: the fake translator's pivots are in capitals, and
    a throwaway flag for that shows in the result, its JSON and every view's legend."""
    monkeypatch.setattr(flags, "FLAGS", dict(flags.FLAGS))
    spec = flags.register(
        flags.FlagSpec(
            "shouting",
            "the output is written in capitals",
            (OutputKind.PIVOT,),
            lambda output: "all in capitals" if output.text.isupper() else None,
        )
    )
    article = tmp_path / "article.txt"
    article.write_text(ARTICLES["first"] + "\n", encoding="utf-8")
    reports = [tmp_path / name for name in ("r.json", "r.md", "r.html")]
    # --details: the terminal's legend is in the whole view (the first screen points to it)
    args = ["run", str(article), "--no-cache", "--no-language-check", "--details"]
    result = CliRunner().invoke(app, [*args, *(f"--out={path}" for path in reports)])
    assert result.exit_code == 0, result.output
    data = json.loads(reports[0].read_text(encoding="utf-8"))
    segment = data["translations"][0]["segments"][0]
    assert {"code": "shouting", "step": "pivot", "message": "all in capitals"} in segment["flags"]
    markdown, page = (path.read_text(encoding="utf-8") for path in reports[1:])
    for text in (result.output, markdown, html.unescape(page)):
        assert spec.legend() in text
        for line in flags.legend():
            assert line in text, line
    assert "pivot:shouting" in result.output + markdown


def test_an_outputs_flags_keep_the_order_results_always_had() -> None:
    """A summary lists consistency before prompt_leak, a translation after: as before the
    registry, so saved results and new ones agree."""

    def order(kind: OutputKind) -> list[str]:
        return [spec.code for spec in flags.checks_for(kind)]

    assert order(OutputKind.SUMMARY) == [
        "empty",
        "not_shorter",
        "repetition",
        "commentary",
        "truncated",
        "consistency",
        "prompt_leak",
    ]
    assert order(OutputKind.BACK)[-2:] == ["prompt_leak", "consistency"]
    assert order(OutputKind.PIVOT)[-1] == "prompt_leak"


# Outputs that comment instead of (or around) the translation, in the languages of the pivot
# and in English, with the words the flag quotes.
COMMENTED = {
    "de": [
        (
            "Sie haben die folgende deutsche Übersetzung erhalten: Die Regierung hat am Freitag "
            "den Ausnahmezustand ausgerufen.",
            "Sie haben die folgende deutsche Übersetzung erhalten",
        ),
        (
            "Hier ist die Übersetzung: Die Regierung hat den Ausnahmezustand ausgerufen.",
            "Hier ist die Übersetzung",
        ),
        (
            "Deutsche Übersetzung: Die Regierung hat den Ausnahmezustand ausgerufen.",
            "Deutsche Übersetzung:",
        ),
        ("Es tut mir leid, aber ich kann diesen Text nicht übersetzen.", "Es tut mir leid, aber"),
        (
            "Die Regierung rief den Notstand aus. (Anmerkung: wörtlich „Ausnahmezustand“.)",
            "(Anmerkung",
        ),
    ],
    "fr": [
        (
            "Voici la traduction en français : Le gouvernement a décrété l'état d'urgence.",
            "Voici la traduction",
        ),
        ("Je suis désolé, mais je ne peux pas traduire ce texte.", "Je suis désolé, mais"),
    ],
    "es": [
        (
            "Claro, aquí tienes la traducción: El gobierno declaró el estado de emergencia.",
            "Claro, aquí",
        )
    ],
    "it": [
        (
            "Ecco la traduzione: Il governo ha dichiarato lo stato di emergenza.",
            "Ecco la traduzione",
        )
    ],
    "pt": [
        ("Aqui está a tradução: O governo declarou estado de emergência.", "Aqui está a tradução")
    ],
    "pl": [("Oto tłumaczenie: Rząd ogłosił stan wyjątkowy.", "Oto tłumaczenie:")],
    "cs": [("Zde je překlad: Vláda vyhlásila výjimečný stav.", "Zde je překlad")],
    "nl": [("Hier is de vertaling: De regering riep de noodtoestand uit.", "Hier is de vertaling")],
    "tr": [("İşte çeviri: Hükümet olağanüstü hal ilan etti.", "İşte çeviri:")],
    "el": [
        ("Ορίστε η μετάφραση: Η κυβέρνηση κήρυξε κατάσταση έκτακτης ανάγκης.", "Ορίστε η μετάφραση")
    ],
    "ar": [("إليك الترجمة: أعلنت الحكومة حالة الطوارئ.", "إليك الترجمة")],
    "he": [("הנה התרגום: הממשלה הכריזה על מצב חירום.", "הנה התרגום")],
    "hi": [("यह रहा अनुवाद: सरकार ने आपातकाल की घोषणा की।", "यह रहा अनुवाद")],
    "zh": [
        ("以下是中文翻译：政府周五宣布三个地区进入紧急状态。", "以下是中文翻译："),
        ("政府周五宣布三个地区进入紧急状态。（译者注：原文为“三个州”。）", "（译者注："),
        ("抱歉，我无法翻译这段文字。", "抱歉，我无法"),
    ],
    "ja": [("以下が日本語訳です：政府は金曜日、非常事態を宣言した。", "以下が日本語訳")],
    "ko": [("다음은 번역입니다: 정부는 비상사태를 선포했다.", "다음은 번역")],
    "uk": [("Ось переклад: Уряд оголосив надзвичайний стан.", "Ось переклад:")],
    "bg": [("Ето превода: Правителството обяви извънредно положение.", "Ето превода")],
}

# Faithful translations that mention translations, apologies or notes as ordinary words.
FAITHFUL_MENTIONS = [
    "Die Übersetzung des Buches erschien 2020.",
    "Die Übersetzung wurde von einer Jury ausgezeichnet, teilte der Verlag mit.",
    "Hier ist die Lage ernst, sagte der Minister.",
    "Natürlich hat die Regierung das abgelehnt.",
    "Die Regierung hat am Freitag in drei Regionen den Ausnahmezustand ausgerufen.",
    "La traduction du livre est parue en 2020.",
    "La traducción del libro se publicó en 2020.",
    "La traduzione del romanzo è uscita nel 2020.",
    "Tłumaczenie książki ukazało się w 2020 roku.",
    "Как ИИ изменит рынок труда",
    "该书的翻译于2020年出版。",
    "他说：“我们不会改变立场。”",
    *FAITHFUL.values(),
]


def test_commentary_in_every_language_is_flagged() -> None:
    for code, cases in COMMENTED.items():
        for text, said in cases:
            assert commentary(text, SOURCE) == said, (code, text)


def test_faithful_translations_mentioning_translations_are_no_commentary() -> None:
    for text in FAITHFUL_MENTIONS:
        assert commentary(text, SOURCE) is None, text


def test_a_german_pivot_with_a_preamble_in_german_or_english_is_flagged() -> None:
    pivot = "Die Regierung hat am Freitag in drei Regionen den Ausnahmezustand ausgerufen."
    for preamble in ("Hier ist die Übersetzung:", "Here is the German translation:"):
        flagged = pivot_flags(f"{preamble} {pivot}", DE)
        assert [flag.code for flag in flagged] == ["commentary"], preamble


def test_commentary_the_input_makes_too_is_no_commentary_in_any_language() -> None:
    said = "Es tut mir leid, aber wir können nicht kommen."
    assert commentary(said, "I'm sorry, but we cannot come.") is None
    assert commentary("Hinweis: Die Straße ist gesperrt.", "Note: the road is closed.") is None


def test_every_language_has_commentary_phrases() -> None:
    """Adding a language to models/languages.toml needs its phrases in commentary.toml."""
    phrases = load_toml("commentary.toml")
    assert set(phrases) == set(load_toml("languages.toml"))
    for code, table in phrases.items():
        assert table["start"] and table["anywhere"], code
