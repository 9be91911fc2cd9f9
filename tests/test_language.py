"""Language: the page's lang attribute wins when we read it; otherwise the text's small words decide."""

import pytest

from listen.errors import SettingsError
from listen.language import check_language, detect_language

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


@pytest.mark.parametrize(("hint", "expected"), [("es-ES", "es"), ("pt_BR", "pt"), ("DE", "de"), ("fr-CA", "fr")])
def test_a_supported_html_lang_attribute_wins_over_the_text(hint, expected):
    assert detect_language(PARAGRAPHS["en"], hint=hint) == expected


def test_an_unsupported_lang_attribute_falls_back_to_the_text():
    assert detect_language(PARAGRAPHS["it"], hint="ja") == "it"


def test_text_without_words_is_taken_as_english():
    assert detect_language("12345 !!!") == "en"


def test_an_unsupported_language_setting_is_a_settings_error_naming_the_choices():
    with pytest.raises(SettingsError, match="en, es, de, fr, pt, it"):
        check_language("ja")
