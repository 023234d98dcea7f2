"""The flags in every script (#28): pivots into Chinese and Japanese, reference mode from a
Chinese, Japanese or Greek source, checks that know what a human translator writes."""

from __future__ import annotations

from decimal import Decimal

from summarize.input.languages import get_language
from summarize.metrics.consistency import compare_facts
from summarize.metrics.numerals import han_numbers
from summarize.result import Flag
from summarize.tasks.flags import Output, OutputKind, flags_of
from summarize.tasks.text_checks import commentary, has_repetition_loop

EN = get_language("en")


def flags(kind: OutputKind, text: str, source: str, target: str, source_code: str, **kw) -> dict:
    output = Output(
        kind,
        text,
        source,
        language=get_language(target),
        source_language=get_language(source_code),
        **kw,
    )
    found: list[Flag] = flags_of(output)
    return {flag.code: flag.message for flag in found}


def pivot(text: str, source: str, target: str = "zh") -> dict:
    return flags(OutputKind.PIVOT, text, source, target, "en")


# -- Pivots into Chinese and Japanese ---------------------------------------------------------


def test_latin_names_inside_chinese_or_japanese_are_neither_copied_nor_untranslated() -> None:
    assert pivot("Android 硬件清洁技巧", "Android hardware Cleaning tip") == {}
    assert pivot("您的帐户是 anjahoehn。", "your account is anjahoehn.") == {}
    assert pivot("使用 Google 和 iOS 的用户", "users of Google and iOS") == {}
    brexit = "Tony Blair vows never to stop meddling in British politics despite Brexit"
    assert pivot("トニー・ブレア氏 英国EU離脱の反発をよそに誓う", brexit, "ja") == {}


def test_english_left_in_a_chinese_pivot_is_still_flagged() -> None:
    source = "The Russian part of the peacekeeping contingent is being transferred."
    found = pivot("俄罗斯部分和平keeping contingent正在转移。", source)
    assert "untranslated" in found and "keeping" in found["untranslated"]
    assert "copy_through" in pivot("The Russian part of the 部队 is being transferred.", source)


# -- length_ratio: a band that widens as a segment gets shorter -------------------------------


def test_short_segments_get_a_wider_band_and_latin_names_count_as_english() -> None:
    into_english = flags(OutputKind.TRANSLATION, "I haven't tried it before.", "没试过", "en", "zh")
    assert "length_ratio" not in into_english
    assert "length_ratio" not in pivot("点击“立即重置”。", "Tap Reset Now.")
    names = (
        "Also in the cast are Christine Baranski, Cynthia Nixon, Carrie Coon and Morgan Spector."
    )
    kept = "演员阵容中还有 Christine Baranski、Cynthia Nixon、Carrie Coon 和 Morgan Spector。"
    assert "length_ratio" not in pivot(kept, names)


def test_a_short_source_still_cannot_balloon() -> None:
    ballooned = flags(OutputKind.TRANSLATION, "I have not tried it. " * 8, "没试过", "en", "zh")
    assert "length_ratio" in ballooned


# -- repetition: a loop, not a phrase a long sentence repeats ---------------------------------


def test_a_schedule_that_repeats_a_phrase_is_no_loop() -> None:
    schedule = (
        "Schedule: July 27 at 18:30 - in Karasun district at 244 Selezneva Street; July 28 at "
        "18:30 - in the Central district at 77 Stavropolskaya Street; July 29 at 18:30 - in the "
        "Western district at 339 Kalinina Street; July 30 at 18:30 - in the Prikuban district."
    )
    assert not has_repetition_loop(schedule, "График: 27 июля в 18:30 - в Карасунском округе")
    assert has_repetition_loop("Here is the English translation: " * 5, "Вот перевод.")


def test_a_loop_the_source_has_too_is_no_generation_loop() -> None:
    cheer = "Hurrah! " * 7
    assert not has_repetition_loop(cheer, "Ура! " * 7)
    assert has_repetition_loop(cheer, "Ура!")


# -- commentary: a remark in brackets that the source has too ---------------------------------


def test_a_bracketed_remark_of_the_source_is_no_commentary() -> None:
    output = "Batteries: 2 x 1.5 V (not included)."
    assert commentary(output, "Батарейки: 2 x 1,5 В (не входят в комплект).") is None
    assert commentary("Pil (not: dahil değil).", "Pil.") is not None
    assert commentary("(Note: the translator added this.) Hello.", "Привет.") is not None


# -- consistency: any source script decides, one verdict per name, any case ------------------


def reference(output: str, against: str, source: str, source_code: str) -> dict:
    return flags(OutputKind.TRANSLATION, output, source, "en", source_code, reference=against)


def test_a_chinese_source_confirms_a_lost_name_through_pinyin() -> None:
    source = "浙江大学医学院附属医院的专家表示，病例正在减少。"
    kept = (
        "Experts at the hospital of Zhejiang University School of Medicine said cases are falling."
    )
    lost = "Experts at the university hospital said cases are falling."
    assert "consistency" not in reference(kept, kept, source, "zh")
    found = reference(lost, kept, source, "zh")
    assert "Zhejiang" in found["consistency"]


def test_a_chinese_source_cannot_deny_a_name_written_by_meaning() -> None:
    """ "Medicine" against "Medical College", "China" for 中方: the source cannot say which."""
    source = "浙江大学医学院附属医院的专家表示，中方病例正在减少。"
    output = "Experts at Zhejiang University School of Medicine said China's cases are falling."
    against = "Experts at the Zhejiang University Medical College said cases are falling."
    assert "consistency" not in reference(output, against, source, "zh")


def test_a_japanese_source_reads_names_through_kana_and_denies_a_made_up_month() -> None:
    source = "岸田首相は25日、トヨタ自動車を訪問した。"
    against = "Prime Minister Kishida visited Toyota Motor on the 25th."
    assert "consistency" not in reference(against, against, source, "ja")
    lost = reference("The prime minister visited a car maker on the 25th.", against, source, "ja")
    assert "Kishida" in lost["consistency"] and "Toyota" in lost["consistency"]
    made_up = reference(
        "Prime Minister Kishida visited Toyota Motor on March 25.", against, source, "ja"
    )
    assert "made up" in made_up["consistency"] and "March" in made_up["consistency"]


def test_a_greek_source_is_read_letter_by_letter() -> None:
    source = "Ο πρωθυπουργός Μητσοτάκης συναντήθηκε με τον πρόεδρο."
    against = "Prime Minister Mitsotakis met the president."
    lost = reference("The prime minister met the president.", against, source, "el")
    assert "Mitsotakis" in lost["consistency"]
    assert "consistency" not in reference(against, against, source, "el")


def test_one_name_one_verdict() -> None:
    """The seed's row 7: ``respelled: Almaty → Alma-Ata`` and not also made up."""
    original = "On January 4 and 5, protesters clashed with security forces in Almaty."
    back = "On January 4 and 5, protesters clashed with security forces in Alma-Ata."
    pivot = "4 и 5 января протестующие столкнулись с силовиками в Алма-Ате."
    found = flags(OutputKind.BACK, back, pivot, "en", "ru", reference=original)
    assert found == {"respelled": "names spelled otherwise: Almaty → Alma-Ata"}
    made_up = back.replace("Alma-Ata.", "Alma-Ata and Kosovo.")
    kosovo = flags(OutputKind.BACK, made_up, pivot, "en", "ru", reference=original)
    assert kosovo["consistency"] == "made up (not in the original): Kosovo"


def test_a_name_is_matched_whatever_its_case() -> None:
    assert compare_facts("The omicron variant spreads.", "The Omicron variant spreads.").ok
    assert compare_facts("Cases of omikron rose in Moscow.", "Omicron cases rose in Moscow.").ok


# -- Chinese as the output: names in Latin letters or Chinese characters ----------------------


def test_a_chinese_translation_may_write_a_latin_name_in_chinese_characters() -> None:
    source = "Google said five engineers left in 2021."
    against = "Google 表示，2021 年有 5 名工程师离职。"
    found = flags(
        OutputKind.TRANSLATION,
        "谷歌表示，2021年有五名工程师离职。",
        source,
        "zh",
        "en",
        reference=against,
    )
    assert "consistency" not in found
    made_up = flags(
        OutputKind.TRANSLATION,
        "谷歌和 Kosovo 表示，2021年有五名工程师离职。",
        source,
        "zh",
        "en",
        reference=against,
    )
    assert made_up["consistency"] == "made up (not in the reference): Kosovo"


def test_numbers_in_chinese_characters() -> None:
    assert han_numbers("二十四小时，5万人，二〇二二年，三百零五") == [
        Decimal(24),
        Decimal(50000),
        Decimal(2022),
        Decimal(305),
    ]


def test_an_interjection_and_a_technology_s_other_name_are_kept() -> None:
    """German customer-service chat: "OK" is no name, "Wlan" is WiFi."""
    assert compare_facts("OK, I will check it.", "Fine, I will check it.").ok
    assert compare_facts("Is the Wlan working?", "Is the WiFi working?").ok
    assert not compare_facts("Is the router working?", "Is the WiFi working?").ok


def test_a_chinese_source_that_says_our_country_cannot_deny_china() -> None:
    """The held-out zh-en false alarm: "China" made up where the source says 我国."""
    source = "我国经济增长百分之五，省委表示。"
    against = "The country's economy grew by five per cent, the provincial Party committee said."
    output = "The economy of China grew by 5 percent, the Party committee said."
    assert "consistency" not in reference(output, against, source, "zh")
