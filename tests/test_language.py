"""Language: the page's lang attribute wins when we read it; otherwise the text's small words decide."""

import pytest

from listen.errors import SettingsError
from listen.text.language import NORMALISED, check_language, detect_language

PARAGRAPHS = {
    "en": "The United States has reestablished intelligence coordination with Bolivia, nearly 20 years "
    "after Morales expelled the agents. There is a lot of intelligence they can provide us.",
    "es": "Estados Unidos restableció la cooperación de inteligencia con Bolivia, casi veinte años después "
    "de que Morales expulsara a los agentes. Hay mucha inteligencia que nos pueden dar.",
    "de": "Die Vereinigten Staaten haben die Zusammenarbeit mit Bolivien wieder aufgenommen, fast zwanzig "
    "Jahre nachdem Morales die Agenten ausgewiesen hatte. Es gibt viele Informationen.",
    "fr": "Les États-Unis ont rétabli la coopération avec la Bolivie, près de vingt ans après que Morales "
    "a expulsé les agents. Il y a beaucoup de renseignements qu'ils peuvent nous fournir.",
    "pt": "Os Estados Unidos restabeleceram a cooperação com a Bolívia, quase vinte anos depois que Morales "
    "expulsou os agentes. Há muita inteligência que eles podem nos fornecer.",
    "it": "Gli Stati Uniti hanno ristabilito la cooperazione con la Bolivia, quasi vent'anni dopo che Morales "
    "ha espulso gli agenti. Ci sono molte informazioni che possono darci.",
}


@pytest.mark.parametrize("language", sorted(PARAGRAPHS))
def test_each_supported_language_is_detected_from_its_text(language):
    assert detect_language(PARAGRAPHS[language]) == language


@pytest.mark.parametrize(
    ("hint", "expected"), [("es-ES", "es-es"), ("pt_BR", "pt-br"), ("DE", "de"), ("fr-CA", "fr-ca")]
)
def test_a_supported_html_lang_attribute_wins_over_the_text_with_its_region(hint, expected):
    assert detect_language(PARAGRAPHS["en"], hint=hint) == expected


def test_a_lang_attribute_of_another_script_falls_back_to_the_text():
    assert detect_language(PARAGRAPHS["it"], hint="ja") == "it"


def test_an_unknown_lang_attribute_falls_back_to_the_text():
    assert detect_language(PARAGRAPHS["de"], hint="xx-YY") == "de"


def test_a_template_lang_en_on_a_russian_article_gives_way_to_its_letters():
    assert detect_language("В 2019 году компания выросла на 15 процентов.", hint="en") == "ru"


@pytest.mark.parametrize(("hint", "expected"), [("ru-RU", "ru"), ("ja", "ja"), ("id-ID", "id"), ("nl", "nl")])
def test_a_lang_attribute_of_any_language_espeak_speaks_is_used(hint, expected):
    texts = {"ru": "Москва", "ja": "東京の会議", "id": "Rapat di Jakarta", "nl": "Vergadering in Utrecht"}
    assert detect_language(texts[expected], hint=hint).split("-")[0] == expected


def test_a_script_subtag_is_not_taken_for_a_region():
    assert detect_language("北京的会议在周二举行。", hint="zh-Hant") == "zh"


@pytest.mark.parametrize(("lang", "said"), [("en-GB", "one hundred and five"), ("en-US", "one hundred five")])
def test_a_page_in_british_english_is_read_with_british_numbers(lang, said):
    from listen.config import RenderSettings
    from listen.reading.htmlpage import from_html
    from listen.text.script import iter_sentences

    page = (
        f'<html lang="{lang}"><body><article><h1>Ferry fares rise</h1>'
        "<p>The harbour board said the crossing would cost 105 pounds from the spring, after a "
        "winter of repairs to both of its older boats and the slipway at the northern pier.</p>"
        "<p>Islanders who cross every week will be offered a season ticket instead.</p></article></body></html>"
    )
    article = from_html(page)
    assert article.language == lang.lower()
    spoken = " ".join(s.spoken for s in iter_sentences(article, RenderSettings()))
    assert said in spoken


def test_text_without_words_is_taken_as_english():
    assert detect_language("12345 !!!") == "en"


# Short texts, one or two news sentences: none of them may be taken for English.
SHORT = {
    "ru": ["В 2019 году компания выросла.", "Президент подписал закон во вторник."],
    "uk": ["У 2019 році компанія зросла.", "Президент підписав закон у вівторок."],
    "be": ["Прэзідэнт падпісаў закон у аўторак."],
    "sr": ["Председник је потписао закон у уторак."],
    "el": ["Η συνάντηση έγινε στην Αθήνα.", "Ο πρόεδρος υπέγραψε τον νόμο."],
    "ar": ["عقد الاجتماع في القاهرة.", "وقع الرئيس القانون يوم الثلاثاء."],
    "fa": ["رئیس جمهور قانون را امضا کرد و گفت که کار ادامه دارد."],
    "he": ["הפגישה התקיימה בירושלים."],
    "hi": ["दिल्ली में बैठक हुई।", "राष्ट्रपति ने मंगलवार को कानून पर हस्ताक्षर किए।"],
    "bn": ["ঢাকায় বৈঠক হয়েছে।"],
    "ta": ["சென்னையில் கூட்டம் நடந்தது."],
    "th": ["การประชุมจัดขึ้นที่กรุงเทพ"],
    "ja": ["東京で会議が開かれた。", "首相は火曜日に法案に署名した。"],
    "zh": ["北京今天举行会议。", "总统周二签署了法律。"],
    "ko": ["서울에서 회의가 열렸다.", "대통령은 화요일에 법안에 서명했다."],
    "ka": ["თბილისში შეხვედრა გაიმართა."],
    "hy": ["Երևանում հանդիպում է տեղի ունեցել."],
    "es": ["El presidente dijo que la economía crece.", "La reunión fue en Madrid con los ministros."],
    "de": ["Der Präsident sagte, dass die Wirtschaft wächst.", "Die Sitzung fand in Berlin statt."],
    "fr": [
        "Le président a dit que l'économie progresse.",
        "La réunion a eu lieu à Paris avec les ministres.",
    ],
    "pt": ["O presidente disse que a economia não cresce.", "A reunião foi em Lisboa com os ministros."],
    "it": ["Il presidente ha detto che l'economia cresce.", "La riunione si è svolta a Roma con i ministri."],
    "nl": [
        "De president zei dat de economie groeit.",
        "De vergadering werd in Utrecht gehouden met de ministers.",
    ],
    "pl": ["Prezydent powiedział, że gospodarka rośnie.", "Spotkanie odbyło się w Warszawie z ministrami."],
    "tr": ["Cumhurbaşkanı ekonominin büyüdüğünü söyledi.", "Toplantı Ankara'da bakanlar ile yapıldı."],
    "id": ["Presiden mengatakan bahwa ekonomi tumbuh.", "Rapat diadakan di Jakarta dengan para menteri."],
    "sv": ["Presidenten sa att ekonomin växer.", "Mötet hölls i Stockholm med ministrarna."],
    "vi": [
        "Tổng thống nói rằng nền kinh tế đang phát triển.",
        "Cuộc họp diễn ra tại Hà Nội với các bộ trưởng.",
    ],
    "ro": ["Președintele a spus că economia crește.", "Întâlnirea a avut loc la București cu miniștrii."],
    "cs": ["Prezident řekl, že ekonomika roste.", "Schůzka se konala v Praze s ministry."],
}


@pytest.mark.parametrize(("language", "text"), [(lang, t) for lang, texts in SHORT.items() for t in texts])
def test_a_short_text_is_detected_as_its_own_language_and_never_as_english(language, text):
    assert detect_language(text) == language


@pytest.mark.parametrize(
    "text",
    [
        "The president said the economy is growing.",
        "Apple shares rose 3% on Monday.",
        "It is a good day in Berlin.",
        "A man was hurt.",
        "Police in Madrid said the de facto leader had left.",
    ],
)
def test_short_english_texts_stay_english(text):
    assert detect_language(text) == "en"


def test_a_few_foreign_letters_in_an_english_text_do_not_change_its_language():
    assert detect_language("The Kremlin (Кремль) said the talks in Geneva would go on next week.") == "en"


@pytest.mark.parametrize("code", ["ru", "ja", "pt-BR", "zh-Hant", "id"])
def test_every_language_espeak_speaks_is_accepted(code):
    assert check_language(code) == code.split("-")[0].lower()


def test_a_language_espeak_cannot_speak_is_a_settings_error_saying_what_to_use():
    with pytest.raises(SettingsError, match="ISO 639-1 code such as en, es, de, fr, pt, it"):
        check_language("klingon")


def test_one_list_of_normalised_languages_serves_every_module():
    from listen.text import lexicon, normalize, numbers

    assert numbers.LANGUAGES is NORMALISED
    assert normalize.LANGUAGES is NORMALISED
    assert lexicon.LANGUAGES is NORMALISED


def test_a_russian_page_whose_template_says_lang_en_is_read_as_russian():
    from listen.reading.htmlpage import from_html

    body = "".join(
        f"<p>В {2019 + i} году городской совет утвердил новый план развития набережной и парков.</p>"
        for i in range(4)
    )
    page = f"<html lang='en'><head><title>Новый план</title></head><body><article><h1>Новый план</h1>{body}</article></body></html>"
    assert from_html(page).language == "ru"
