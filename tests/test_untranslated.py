"""The ``untranslated`` flag: words (or parts of words) of an output left in its input's script.

The pivots are the seed's real Qwen pivots (English → Russian) quoted in issue #22; another
machine's run may word them differently, so the tests run on these strings, not on a model.
"""

from __future__ import annotations

import pytest

from summarize.input.languages import get_language
from summarize.result import Flag
from summarize.tasks.flags import FLAGS, Output, OutputKind, flags_of
from summarize.tasks.text_checks import untranslated_words, words

EN, RU, DE, EL = (get_language(code) for code in ("en", "ru", "de", "el"))
ZH, JA, HI = (get_language(code) for code in ("zh", "ja", "hi"))

# (row, English source, Qwen's Russian pivot, the words flagged)
SEED_PIVOTS = [
    (
        3,
        '"Our paratroopers will quickly restore order there. We have tremendous experience. And '
        'these gangs are not so organized to fight with the Airborne troops of Russia," the '
        "former commander said.",
        '"Наши паратропы быстро восстановят порядок туда. У нас огромное опыта. И эти gangs не '
        'так организованы для борьбы с артерной группой российских артиллерийских войск," '
        "говорил предшествующий командир.",
        ["gangs"],
    ),
    (
        6,
        "Then they escalated into mass protests across the country with economic and political "
        "demands.",
        "Тогда они escalated в массовые протесты по всему стране с экономическим и политическими "
        "требованиями.",
        ["escalated"],
    ),
    (
        13,
        '"From the Russian Federation, the Collective Peacekeeping Forces of the CSTO included '
        'units and military units of Airborne troops," the CSTO secretariat reported on Thursday.',
        '"От России в составе СТО были включены части и вооруженные части воздушных сил," '
        "сообщила секретariat СТО в четверг.",
        ["секретariat"],
    ),
    # Rows 12 and 14: the pivots' fragments quoted in the issue, their sources' fragments.
    (
        12,
        "The CSTO has sent a peacekeeping contingent to Kazakhstan.",
        "(СКСО) отправил contingент по охране мира в Казахстан.",
        ["contingент"],
    ),
    (
        14,
        "They are moving the Russian part of the peacekeeping contingent.",
        "Они перемещают российскую часть contingentа поставки мира.",
        ["contingentа"],
    ),
    # Only the source's names are in Latin: nothing is flagged.
    (
        1,
        "Moscow. January 6th. INTERFAX - Sending units of the armed forces of the CSTO countries "
        "to Kazakhstan is an important signal.",
        "Москва. 6 января. INTERFAX - Отправка войск СТОСО и, в частности, в Казахстан является "
        "важным сигналом.",
        [],
    ),
    (
        15,
        "The mission will end once the situation is stable, the CSTO said.",
        "Миссия завершится, когда ситуация стабилизируется, - сказал CSTO.",
        [],
    ),
]


def pivot(text: str, source: str, language=RU, source_language=EN) -> Output:
    return Output(
        OutputKind.PIVOT, text, source, language=language, source_language=source_language
    )


def untranslated(output: Output) -> list[Flag]:
    return [flag for flag in flags_of(output) if flag.code == "untranslated"]


@pytest.mark.parametrize(("row", "source", "text", "expected"), SEED_PIVOTS)
def test_seed_qwen_pivots(row: int, source: str, text: str, expected: list[str]) -> None:
    found = untranslated(pivot(text, source))
    if expected:
        message = "left in the input's script: " + ", ".join(expected)
        assert found == [Flag("untranslated", "pivot", message)]
    else:
        assert found == [], f"row {row}: only the source's names are in Latin"


def test_lower_case_source_word_is_still_untranslated() -> None:
    # "gangs" is in the source, but a common word, not a name: it should have been translated.
    source = "These gangs are not organized."
    assert untranslated_words("Эти gangs не организованы.", source, RU, EN) == ["gangs"]
    # Capitalised in the pivot does not make it a name: the source has it lower case.
    assert untranslated_words("Gangs не организованы.", source, RU, EN) == ["Gangs"]


def test_kept_source_names_and_acronyms() -> None:
    source = "General Shpak told INTERFAX that the CSTO's forces would stay."
    text = "Генерал Shpak сообщил INTERFAX, что силы CSTO's останутся."
    assert untranslated_words(text, source, RU, EN) == []
    # Cased or inflected differently: still the source's name.
    assert untranslated_words("Слова Shpaka передал Interfax.", source, RU, EN) == []
    # Half Latin, half Cyrillic: the Latin half is the name, the Cyrillic ending Russian.
    assert untranslated_words("Силы CSTOшные и генерал Shpakа.", source, RU, EN) == []
    # A capitalised word the source does not have is flagged.
    assert untranslated_words("Генерал Shpak сообщил Reuters.", source, RU, EN) == ["Reuters"]


def test_numbers() -> None:
    source = "On January 6th the troops of the 45th brigade arrived."
    text = "6th января прибыли войска 45-й бригады, в XXI веке, при Николае II."
    assert untranslated_words(text, source, RU, EN) == []
    # An English ordinal the source does not have is left untranslated.
    assert untranslated_words("10th января прибыли войска.", source, RU, EN) == ["10th"]


def test_greek_pivot() -> None:
    source = "NATO declared a state of emergency."
    text = "Το NATO κήρυξε state έκτακτης ανάγκης."
    assert untranslated(pivot(text, source, EL)) == [
        Flag("untranslated", "pivot", "left in the input's script: state")
    ]


def test_cyrillic_left_in_an_english_back_translation() -> None:
    pivot_text = "Войска прибыли в Москву, сообщил секретариат ОДКБ."
    original = "The troops arrived in Moscow, the CSTO secretariat reported."
    back = Output(
        OutputKind.BACK,
        "The troops arrived in Москву, the ОДКБ secretariatа reported.",
        source=pivot_text,
        language=EN,
        source_language=RU,
        reference=original,
    )
    # A Cyrillic name or acronym kept in English is untranslated too, even though the pivot
    # (the input) has it: it should have been transliterated.
    assert untranslated(back) == [
        Flag("untranslated", "back", "left in the input's script: Москву, ОДКБ, secretariatа")
    ]


def test_reference_mode_translation() -> None:
    output = Output(
        OutputKind.TRANSLATION,
        "The president declared a чрезвычайное положение on Friday.",
        source="Президент ввёл чрезвычайное положение в пятницу.",
        language=EN,
        source_language=RU,
        reference="The president declared a state of emergency on Friday.",
    )
    assert untranslated(output) == [
        Flag("untranslated", "translation", "left in the input's script: чрезвычайное, положение")
    ]
    # A word the reference itself has in that script is no untranslated word.
    quoting = Output(
        OutputKind.TRANSLATION,
        "Protesters chanted «Шал, кет!» in Almaty.",
        source="Протестующие скандировали «Шал, кет!» в Алматы.",
        language=EN,
        source_language=RU,
        reference="Protesters chanted «Шал, кет!» in Almaty.",
    )
    assert untranslated(quoting) == []


def test_pair_sharing_a_script_is_not_checked() -> None:
    source = "The government declared a state of emergency on Friday."
    text = "Die Regierung hat am Freitag den state of emergency ausgerufen."
    assert untranslated_words(text, source, DE, EN) == []
    assert untranslated(pivot(text, source, DE)) == []


def test_copied_text_is_copy_through_not_untranslated() -> None:
    source = "The government declared a state of emergency in three regions on Friday."
    codes = [flag.code for flag in flags_of(pivot(source, source))]
    assert "copy_through" in codes
    assert "untranslated" not in codes


def test_long_lists_are_cut() -> None:
    source = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen"
    russian = "Это длинный русский текст, очень длинный русский текст без конца и края, "
    text = 3 * russian + source
    assert untranslated(pivot(text, source))[0].message == (
        "left in the input's script: one, two, three, four, five, six, seven, eight, nine, ten, "
        "eleven, twelve (and 2 more)"
    )


def test_scripts_that_overlap() -> None:
    # Chinese characters are Japanese script too: nothing is left untranslated.
    assert untranslated_words("政府は緊急事態を宣言した。", "政府宣布紧急状态。", JA, ZH) == []
    # Kana in a Chinese output are; with no spaces, the "word" listed is the run between
    # punctuation.
    text = "政府宣布了紧急事態です。"
    assert untranslated_words(text, "政府は緊急事態を宣言した。", ZH, JA) == [text[:-1]]


def test_marks_do_not_split_words() -> None:
    assert list(words("हिन्दी पा́ठ CSTO's, 6th.")) == ["हिन्दी", "पा́ठ", "CSTO's", "6th"]
    back = untranslated_words("He said हिन्दी loudly.", "उसने हिन्दी कहा।", EN, HI)
    assert back == ["हिन्दी"]
    assert untranslated_words("सरकार ने state घोषित की।", "The state was declared.", HI, EN) == [
        "state"
    ]


def test_summaries_are_not_checked() -> None:
    assert OutputKind.SUMMARY not in FLAGS["untranslated"].applies_to
    assert set(FLAGS["untranslated"].applies_to) == {
        OutputKind.PIVOT,
        OutputKind.BACK,
        OutputKind.TRANSLATION,
    }


def test_a_chinese_pivot_names_the_english_left_in_it_not_the_whole_clause() -> None:
    """Chinese has no spaces: the "word" around an English leftover is a whole clause, so the
    message names the English parts, with "…" where Chinese was left out; a word written with
    spaces around it is named whole."""
    source = (
        "Russian military transport aviation aircraft are transferring part of the Russian "
        "peacekeeping contingent to the territory of the Republic of Kazakhstan."
    )
    text = (
        "俄罗斯军事运输航空飞机正在将俄罗斯部分和平keeping, contingent转移到"
        + "哈萨克斯坦共和国的领土。"
    )
    output = Output(OutputKind.PIVOT, text, source=source, language=ZH, source_language=EN)
    messages = [flag.message for flag in flags_of(output) if flag.code == "untranslated"]
    assert messages == ["left in the input's script: …keeping, contingent…"]
    russian = Output(
        OutputKind.PIVOT,
        "Наши секретariat работают.",
        source="Our secretariat works.",
        language=RU,
        source_language=EN,
    )
    assert [f.message for f in flags_of(russian) if f.code == "untranslated"] == [
        "left in the input's script: секретariat"
    ]
