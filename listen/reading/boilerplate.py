"""Page furniture rules shared by the plain-text and HTML paths.

Two kinds of furniture: labels that sit inside an article and are never read
("Listen to the article", "Advertisement"), and section headers after which the
article is over ("Fact Checker", "8 Comments", "Related articles").
"""

from __future__ import annotations

import re

_MONTH = (
    r"(jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sept?(ember)?|oct(ober)?|nov(ember)?|dec(ember)?)\.?"
)

_DATE_LINE = (
    r"((published|updated|posted|first published)( on)?\s*:?\s*)?((mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
    r"(\d{1,2}(st|nd|rd|th)?\s+" + _MONTH + r",?\s+\d{4}|" + _MONTH + r"\s+\d{1,2}(st|nd|rd|th)?,?\s+\d{4}|"
    r"\d{4}-\d{2}-\d{2}|\d{1,2}[/.]\d{1,2}[/.]\d{4})"
    r"(,?\s+(at\s+)?\d{1,2}([:.]\d{2})?\s*([ap]\.?m\.?)?(\s+[A-Z]{2,4})?)?"
)

# Lines dropped wherever they stand.
_LABELS = [
    r"listen to (this|the) (article|story)",
    r"(play|pause|stop) (audio|article)",
    r"audio (version|player)",
    r"\d+\s*min(ute)?s?\s+(read|listen)",
    r"advertisement",
    r"sponsored( content)?",
    r"share( this)?( article| story)?",
    r"(share on )?(facebook|twitter|x|linkedin|whatsapp|email|print)",
    r"skip to (main )?content",
    r"image caption.*|image:.*|photo:.*|\(?photo(graph)? by .*",
    r"(photo|picture|image|credit)s?\s*(:|\.\.\.|…).{0,120}",
    r"getty images|reuters|ap photo.*",
    r"copy link",
    r"save( article)?",
    r"supported by",
    r"skip (advertisement|ad)",
    r"(read|see|watch|listen) (more|also|next)\s*:.*",
    r"printer-friendly version|print this (page|article|story)|email this (story|article)",
    r"order reprints.*",
    r"follow (us|me|him|her|them)( on .{0,40})?",
    r"follow .{1,60} on (facebook|twitter|x|instagram|tiktok|threads|bluesky|linkedin|youtube)\b.*",
    # Inline links to other stories ("READ MORE: ...", "RELATED: ...").
    r"(related|more|see also|also read|read also|recommended|watch|listen|opinion)\s*:\s*.{0,150}",
    # Skip links around promotions, and the marks they jump to.
    r"skip past .{0,40}|after .{0,30}promotion",
    # Credits and notes about how the story was made, not the story.
    # Names only after "by", so "Reporting by the council found ..." stays.
    r"(additional )?(reporting|writing|editing) by (((?-i:[A-Z])[\w'’.-]*|and|in|&|,|;|"
    r"(additional )?(reporting|writing|editing|graphics) by)\s*)+",
    r".{0,120} contributed (reporting )?to this (report|story|article)\.?",
    r"our standards\s*:.*",
    r"\(?(copyright\s*©?|©)\s*(\d{4}|by).{0,300}",
    r"this material may not be published.*",
    r"(have|got) a (news )?tip\??.{0,150}|send (us )?your (story ideas|tips?)\b.{0,150}",
    # Wire-agency sign-offs: "(AP)", "kel/dpa", "jok/dpa/AFP".
    r"\(?(\w{2,4}/)*(dpa|afp|ap|rtr|reuters|kna|epd|apa|sda|ansa|efe)(/\w{2,8})*\)?",
    # Live-blog furniture: post times, pins, update stamps, script warnings.
    r"\d{1,2}[:.]\d{2}\s*(am|pm|a\.m\.|p\.m\.)?\s*(gmt|bst|utc|et|cet|cest|uhr)?",
    r"pinned( post)?|(show )?key events( only)?|updated at .{0,30}",
    r"please (turn on|enable) javascript.*",
    # Lines that trafilatura commonly lets through on news sites.
    r"(story|article) continues below( this)?( advertisement| ad)?|continue reading( the main story)?",
    r"scroll (down )?to continue( with content| reading)?|loading( more)?( video| updates| posts| entries| comments| article| story| content| page)?(\.\.\.|…)?",
    r"(show|load|see) (more|older|newer)( updates| posts| entries)?",
    # Paywall and sign-in prompts.
    r"(subscribe|sign in|log in|register|sign up) (now )?to (keep|continue) reading.{0,80}",
    r"(get|enjoy) unlimited (digital )?access\b.{0,100}",
    # Notes on how an interview was edited, and CMS submission lines.
    r"(this |the )?(interview|conversation|q&a|transcript) (has been|was|have been) (lightly )?(edited|condensed)\b.{0,80}",
    r"submitted by .{1,60}\bon\b.{1,40}",
    # A date line on its own: "Tuesday 12 March 2024", "March 5, 2024, 10:42 a.m.", "12/03/2024".
    _DATE_LINE,
    r"(<<|«|‹|←)?\s*back to (the )?(top|news|home|index|articles?|stories|list|\w+ news)\b.{0,20}",
    r"(posted|published|submitted)( on| at)?\s*:?\s*\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}( at [\d:.]+\s*(am|pm)?)?( by .{1,60})?",
    r"(media caption|enlarge this image|toggle caption|hide caption).*",
    r"(click|tap) here\b.{0,120}",
    r"this (article|story|post) (was|is) (originally|first) published .{0,200}",
    r"all rights reserved\.?",
    r"(first )?(published|updated|posted|last (updated|modified))( on| at)?\s*:?\s*[\w ,.:]{0,40}\d[\w ,.:]{0,20}",
    # Video blocks, transcript headings, donation buttons, recirculation headings.
    r"video\s*:\s*.{0,150}|transcript|donate( now| today)?|more for you",
    # "Contact Jane Doe at jdoe@example.com or 555-0142."
    r"(contact|reach|email|e-mail|write to|contacte|contactez|contatta|kontakt)\b.{0,80}\S+@\S+\.\w+.{0,60}",
    # The same furniture in French, German and Spanish.
    r"lire aussi\s*:.*|[ée]couter (cet article|l[’']article)|partager( l[’']article)?|publicit[ée]",
    r"anzeige|werbung|artikel (anh[öo]ren|vorlesen)|lesen sie auch\s*:.*|teilen",
    r"escuchar (este )?art[íi]culo|publicidad|lee tambi[ée]n\s*:.*|compartir",
]

# Section headers: the article body ends where one starts.
_TAIL_MARKERS = [
    r"fact[- ]?check(er|ed)?( box)?",
    r"verify the accuracy of this article.*",
    r"\d+\s+comments?",
    r"comments?( \(\d+\))?",
    r"(leave|post|add|show|view|load) (a |all )?(comments?|reply|replies)",
    r"join the (conversation|discussion)",
    r"related( articles| stories| posts| coverage| topics| links| content| reading)?",
    r"(more|also) (from|in|on) .{0,40}",
    r"you (may|might) also (like|be interested in)",
    r"read (more|next)( on .{0,40})?",
    r"recommended( for you)?",
    r"most (read|popular|viewed)",
    r"(sign up|subscribe) (for|to) (our|the) .{0,40}newsletter.*",
    r"newsletter( sign-?up)?",
    r"about the author",
    r"tags?:.*",
    r"topics?:.*",
    r"a version of this (article|story) (appears|appeared) in print.*",
    r"(readers[’'] )?comments?\s*\(\d+\)",
    r"\d+ (replies|responses|thoughts) on .*",
    r"leave a (reply|comment)",
    r"other stories in .{0,40}",
    r"commentaires?( \(\d+\))?|v[ée]rification des faits|sur le m[êe]me sujet|[àa] lire aussi",
    r"\d* ?kommentare?|mehr zum thema|das k[öo]nnte sie auch interessieren",
    r"\d* ?comentarios?|noticias relacionadas",
    # Comment headers of blog platforms: "Responses (23)", "23 responses", "Réponses (4)".
    r"(responses?|r[ée]ponses?|respuestas?|antworten|risposte|respostas)\s*\(\d+\)|\d+ (responses?|r[ée]ponses?|respuestas?|antworten|risposte|respostas)",
    r"related (article|story|post|content|link|reading|video)s?|recommended (stories|articles|reading|videos?)",
    r"art[íi]culos? relacionados?|articles? li[ée]s?|verwandte artikel|articoli correlati|mat[ée]rias? relacionadas?",
]

# Lines after which a page's closing furniture starts, when they come late in an
# extracted page: sign-offs that a plain-text copy may carry near its top.
_LATE_TAIL_MARKERS = [
    r"(written|words) by .{1,60}|escrito por .{1,60}|[ée]crit par .{1,60}|geschrieben von .{1,60}",
    r"\(?(copyright\s*©?|©)\s*(\d{4}|by).{0,300}",
    # Paywall notices: "Your subscription is being used on another device".
    r".{0,80}\b(your|tu|su|votre|ton|ihr|dein|deine|sua|tua)\s+(subscription|suscripci[óo]n|abonnement|abo|assinatura|abbonamento)\b.{0,120}",
]


_LABEL_RE = re.compile(r"^\s*(?:" + "|".join(_LABELS) + r")\s*[.:!]?\s*$", re.IGNORECASE)
_TAIL_RE = re.compile(r"^\s*(?:" + "|".join(_TAIL_MARKERS) + r")\s*[.:!]?\s*$", re.IGNORECASE)
_LATE_TAIL_RE = re.compile(r"^\s*(?:" + "|".join(_LATE_TAIL_MARKERS) + r")\s*[.:!?]?\s*$", re.IGNORECASE)

# Phrases that make a short paragraph furniture wherever they stand in it.
_FURNITURE_PHRASES = [
    # Transcript disclaimers.
    r"may not be in (its|their) final form",
    r"transcripts? (is|are|was|were) (created|produced|generated|provided)",
    # Donation pleas.
    r"(please )?consider (making )?(a donation|donating)|support (our|independent|local) journalism|haz una donaci[óo]n|faites un don|jetzt spenden",
    # "Follow all the news on Facebook and X, or in our weekly newsletter", in several languages.
    r"^(follow|sigue|s[íi]guenos|suivez|suis|folgen sie|folge uns|siga|segue|segui|seguici|seguite)\b"
    r".{0,160}\b(facebook|twitter|instagram|tiktok|whatsapp|telegram|linkedin|youtube|newsletter|bolet[íi]n|infolettre)\b",
    # Paywall and account notices.
    r"(add|añadir|a[ñn]adir|ajouter|hinzuf[üu]gen|adicionar|aggiungere)\b.{0,30}\b(user|usuario|utilisateur|nutzer|usu[áa]rio|utente)s?\b.{0,30}\b(subscription|suscripci[óo]n|abonnement|abo|assinatura|abbonamento)",
    r"(continue|contin[úu]as|continuez|weiterlesen|continuar|continui)\b.{0,40}\b(this|este|cet|diesem|neste|questo)\s+(device|dispositivo|appareil|ger[äa]t)",
    # "Enjoyed this? Sign up to get new posts by email."
    r"^(enjoyed|liked|like|love) (this|what you('ve)? read|reading this)\b.{0,30}\b(sign up|subscribe)\b",
    r"^(sign up|subscribe)\b.{0,60}\b(new posts|by email|to your inbox|in your inbox)\b",
]
_FURNITURE_PHRASE_RE = re.compile("|".join(_FURNITURE_PHRASES), re.IGNORECASE)
_FURNITURE_PHRASE_MAX = 400


def is_furniture_sentence(line: str) -> bool:
    """Tell whether a short paragraph is a transcript note, donation plea, follow-us or paywall notice."""
    return len(line) <= _FURNITURE_PHRASE_MAX and bool(_FURNITURE_PHRASE_RE.search(line))


def is_label(line: str) -> bool:
    """Tell whether a line is player, share or caption furniture that is never read."""
    return bool(_LABEL_RE.match(line))


_DATE_LINE_RE = re.compile(r"^\s*(?:" + _DATE_LINE + r")\s*\.?\s*$", re.IGNORECASE)


def is_date_line(line: str) -> bool:
    """Tell whether a line is only a date, as under a headline ("Tuesday 12 March 2024")."""
    return bool(_DATE_LINE_RE.match(line))


_MONTHS = {m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}


def date_in(line: str) -> str:
    """Turn a date line into YYYY-MM-DD; "" when it is ambiguous (03/04/2024) or not a date."""
    text = line.lower()
    found = re.search(r"(\d{4})-(\d{2})-(\d{2})", text)
    if found:
        year, month, day = (int(g) for g in found.groups())
    elif found := re.search(r"(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]{3})[a-z]*\.?,?\s+(\d{4})", text):
        day, month, year = int(found.group(1)), _MONTHS.get(found.group(2), 0), int(found.group(3))
    elif found := re.search(r"([a-z]{3})[a-z]*\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})", text):
        day, month, year = int(found.group(2)), _MONTHS.get(found.group(1), 0), int(found.group(3))
    elif found := re.search(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})", text):
        first, second, year = (int(g) for g in found.groups())
        if first > 12 >= second:
            day, month = first, second
        elif second > 12 >= first:
            day, month = second, first
        else:
            return ""  # 03/04/2024: the 3rd of April or March the 4th
    else:
        return ""
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return ""
    return f"{year:04d}-{month:02d}-{day:02d}"


def is_tail_marker(line: str) -> bool:
    """Tell whether a line starts a section after the article (comments, fact-check, related)."""
    return bool(_TAIL_RE.match(line))


_BIO_VERBS = r"(is|was|covers|writes|reports|edits|has been|lives|contributed|joined)\b"


def clean_paragraphs(
    paragraphs: list[str],
    title: str = "",
    description: str = "",
    authors: list[str] | None = None,
    headlines: list[str] | None = None,
) -> list[str]:
    """Drop furniture an HTML extractor let through; end the body at a late tail section.

    A tail marker in the first half is more likely an inline box ("Related:
    ...") than the end of the article, so there only the marker line goes.
    `headlines` are the page's headline and standfirst texts: a copy of one
    among the first few paragraphs is the article's header, not its body.
    """
    total = sum(len(p) for p in paragraphs) or 1
    seen = 0
    body: list[str] = []
    for index, paragraph in enumerate(paragraphs):
        seen += len(paragraph)
        if is_tail_marker(paragraph) or _LATE_TAIL_RE.match(paragraph):
            if body and seen > total / 2:
                break
            continue
        if is_label(paragraph) or is_furniture_sentence(paragraph) or not re.search(r"\w", paragraph):
            continue
        if not body and _is_heading_repeat(paragraph, title, description, authors or []):
            continue
        if index < _HEADER_REACH and any(
            _is_variant(paragraph, h) or _is_headline_and_date(paragraph, h) for h in headlines or []
        ):
            continue
        body.append(paragraph)
    body = _drop_pull_quotes(_drop_repeated_names(body))
    while body and (_is_author_bio(body[-1], authors or []) or _is_job_title_bio(body[-1])):
        body.pop()
    return body


# How many paragraphs from the top a repeated headline or standfirst may stand.
_HEADER_REACH = 4


def _is_headline_and_date(line: str, headline: str) -> bool:
    """Tell whether a line is a headline run together with its date or byline
    ("Hay destroyed in barn fire 14 August 2024"), as a page's whole text read in one go gives."""
    a, b = _plain(line), _plain(headline)
    if not b or not a.startswith(b + " "):
        return False
    rest = a[len(b) :].split()
    return len(rest) <= 8 and (any(w.isdigit() for w in rest) or rest[0] == "by")


def _is_variant(line: str, headline: str) -> bool:
    """Tell whether a line is a headline, or the same headline with a few words more or less
    at either end ("Chesapeake Bay oysters ..." against "Oysters ...", a trailing site name)."""
    a, b = _plain(line), _plain(headline)
    if not a or not b:
        return False
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    if len(short.split()) < 4 or not (long.startswith(short) or long.endswith(short)):
        return False
    extra = len(long.split()) - len(short.split())
    return extra <= 4 and extra <= len(short.split()) / 2


# "Periodista de la sección de Sociedad, ...", "Reporter covering housing for ...":
# a closing note that starts with the author's job, not with a name.
_JOB_TITLES = (
    r"(senior |staff |chief |political |science |freelance |contributing )?"
    r"(reporter|journalist|correspondent|writer|editor|columnist|periodista|redactora?|corresponsal|"
    r"journaliste|r[ée]dacteur|r[ée]dactrice|correspondante?|reporterin|journalistin|redakteurin|redakteur|"
    r"korrespondentin|korrespondent|jornalista|rep[óo]rter|giornalista|cronista|inviata?)"
)
_JOB_BIO_RE = re.compile(
    r"^"
    + _JOB_TITLES
    + r"\s+(de|del|du|des|covering|who|for|at|on|à|au|bei|für|f[üu]r|im|der|da|do|di|della|dello|en|in|e|y|and|et|und|specializ\w*|especializad\w*|sp[ée]cialis\w*)\b",
    re.IGNORECASE,
)


def _is_job_title_bio(line: str) -> bool:
    """Tell whether a closing paragraph describes the author by their job."""
    return len(line) < 400 and bool(_JOB_BIO_RE.match(line)) and not re.search(r"[\"“”«»„]", line)


def _same(a: str, b: str) -> bool:
    return bool(a) and bool(b) and _plain(a) == _plain(b)


def plain(text: str) -> str:
    """Lower-case words of a text, without punctuation: for comparing lines."""
    return re.sub(r"\W+", " ", text).strip().lower()


_plain = plain  # the name used in this module, where "plain" is also a local


def _is_heading_repeat(line: str, title: str, description: str, authors: list[str]) -> bool:
    """Tell whether a line before the body repeats the headline, standfirst or byline."""
    if _same(line, title) or _same(line, description):
        return True
    return (
        bool(authors) and bool(re.match(r"^(by\s+)?" + re.escape(authors[0]), line, re.I)) and len(line) < 120
    )


_NAME_LINE = re.compile(r"^[A-ZÀ-Þ][\w'’.-]*(\s+([A-ZÀ-Þ][\w'’.-]*|de|van|von|da|di|le|la)){0,3}$")


def is_name(line: str) -> bool:
    """Tell whether a line is only a name ("Amira Khan", "Jo de Vries")."""
    return bool(_NAME_LINE.match(line))


def _drop_repeated_names(body: list[str]) -> list[str]:
    """Drop a name that stands alone on several lines: a live blog's author on each post."""
    counts: dict[str, int] = {}
    for paragraph in body:
        counts[paragraph] = counts.get(paragraph, 0) + 1
    return [p for p in body if counts[p] < 2 or not _NAME_LINE.match(p)]


def _drop_pull_quotes(body: list[str]) -> list[str]:
    """Drop short paragraphs that only repeat words found inside a longer one (pull quotes).

    A pull quote is a sentence; a subheading of two or three words ("Season
    tickets") is also found inside the text but is part of the article.
    """
    plain = [_plain(p) for p in body]
    keep: list[str] = []
    kept: set[str] = set()
    for i, paragraph in enumerate(body):
        sentence = len(paragraph) < 250 and len(plain[i].split()) >= 6
        repeated = sentence and any(
            j != i and len(plain[j]) > len(plain[i]) and plain[i] in plain[j] for j in range(len(body))
        )
        if not repeated and plain[i] not in kept:
            keep.append(paragraph)
            kept.add(plain[i])
    return keep


def _is_author_bio(line: str, authors: list[str]) -> bool:
    """Tell whether a closing line is a note about the author ("Jane Doe covers ...")."""
    return any(
        re.match(re.escape(name) + r"\s+" + _BIO_VERBS, line) and len(line) < 400 for name in authors if name
    )
