"""The words the rule-based extractor looks for, per language: verbs of saying, attribution phrases, denial and
contrast cues, the nouns and verbs that say what a number counts, and the generic nouns that stand for a
speaker or a party. Everything is written folded (lower case, no accents; see `core.text.fold`), and compared
with folded tokens, so "afirmó" and "afirmo" are one cue.

Categories are the ontology's `Quantity.category` values (shapes.ttl's sh:in list); a test holds them equal.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Lexicon:
    lang: str
    # verbs of saying; a denial verb also sets the stance to "denies"
    say: frozenset[str]
    deny: frozenset[str]
    # verbs of saying with another sense ("se aseguraron 36 armas": seized): speech only before "que", a colon,
    # a quotation, a comma or an addressee
    ambiguous: frozenset[str]
    # phrases that introduce a source: "according to X", "según X"
    according: tuple[tuple[str, ...], ...]
    # the word after a verb of saying that introduces reported speech ("that", "que")
    that: frozenset[str]
    # the preposition of an addressee: "told X" needs none, "dijo a X" does
    to: frozenset[str]
    # auxiliaries and adverbs between a subject and its verb
    aux: frozenset[str]
    # words that end a subject phrase when walking back from a verb
    clause: frozenset[str]
    # sentence openers or joints that set one account against another
    contrast: tuple[tuple[str, ...], ...]
    # addressees that are no outlet ("told reporters")
    press: frozenset[str]
    pronouns: frozenset[str]
    # nouns for a role that, alone after an article, mean the person last quoted ("the official added")
    roles: frozenset[str]
    # words that start no speaker after a verb ("said on Friday", "dijo este lunes")
    not_speaker: frozenset[str]
    # generic speakers: a group key -> the nouns that name it
    groups: dict[str, tuple[tuple[str, ...], ...]]
    # number words the number parser should not take alone ("un" is mostly an article)
    weak_one: frozenset[str]
    # what a number counts: phrase -> category; `before` are verbs that come before the number ("killed 42")
    after: dict[tuple[str, ...], str]
    before: dict[tuple[str, ...], str]
    # units that make a number something else (a time, a duration, an age)
    not_counts: frozenset[str]
    months: frozenset[str]
    # people a figure is about: noun -> "security" (a state force) or "armed" (an armed group)
    party_nouns: dict[str, str]
    # bounds: words before a number -> how the number is read
    more_than: tuple[tuple[str, ...], ...]
    at_least: tuple[tuple[str, ...], ...]
    # "not a single execution", "ningún detenido": a zero figure
    zero: tuple[tuple[str, ...], ...]
    boilerplate: tuple[str, ...] = field(default=())


def _phrases(*items: str) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(item.split()) for item in items)


def _cats(mapping: dict[str, str]) -> dict[tuple[str, ...], str]:
    return {tuple(phrase.split()): category for phrase, category in mapping.items()}


EN = Lexicon(
    lang="en",
    say=frozenset("""say says said saying tell tells told telling stated declared claimed asserted affirmed
        insisted reported added explained described recounted acknowledged admitted confirmed announced noted
        warned argued maintained testified recalled""".split()),
    deny=frozenset("deny denies denied denying reject rejects rejected dismiss dismissed refute refuted".split()),
    ambiguous=frozenset("reported reports claimed added noted maintained".split()),
    according=_phrases("according to", "as reported by", "citing", "cited by"),
    that=frozenset(["that"]),
    to=frozenset(["to"]),
    aux=frozenset("""have has had was were is are be been will would did do does also later then reportedly
        repeatedly again publicly previously already have since""".split()),
    clause=frozenset("""that which who whom and but however while whereas although though when after before
        because as if so yet""".split()),
    contrast=_phrases("however", "but", "yet", "by contrast", "in contrast", "on the other hand", "nevertheless",
                      "contrary to", "whereas", "while"),
    press=frozenset("media reporters press journalists newsmen correspondents".split()),
    pronouns=frozenset("he she they it we".split()),
    roles=frozenset("""official spokesman spokeswoman spokesperson prosecutor commander commissioner minister
        governor mayor officer chief general admiral colonel lawyer director""".split()),
    not_speaker=frozenset("""on in at during after before later earlier yesterday today tonight this last late
        early that to by from with about""".split()),
    groups={
        "witnesses": _phrases("witnesses", "witness", "eyewitnesses", "bystanders", "onlookers"),
        "families": _phrases("family members", "families", "relatives", "family", "parents", "mothers"),
        "authorities": _phrases("authorities", "officials", "government officials", "the government"),
        "residents": _phrases("residents", "locals", "villagers", "neighbours", "neighbors", "townspeople"),
        "survivors": _phrases("survivors", "survivor"),
        "police": _phrases("police", "police officers", "officers", "the force"),
        "army": _phrases("army", "soldiers", "military", "troops"),
        "navy": _phrases("navy", "marines"),
        "prosecutors": _phrases("prosecutors", "prosecutor", "the prosecutor's office", "investigators"),
        "sources": _phrases("sources", "a source", "officials familiar"),
    },
    weak_one=frozenset(),
    after=_cats({
        "dead": "killed", "killed": "killed", "died": "killed", "deaths": "killed", "dying": "killed",
        "slain": "killed", "fatalities": "killed", "lost their lives": "killed", "killed in": "killed",
        "wounded": "wounded", "injured": "wounded", "hurt": "wounded", "injuries": "wounded",
        "arrested": "arrested", "detained": "arrested", "captured": "arrested", "arrests": "arrested",
        "detainees": "arrested", "taken into custody": "arrested",
        "executed": "executed", "executions": "executed", "execution": "executed",
        "tortured": "tortured",
        "long guns": "long_guns_seized", "rifles": "long_guns_seized", "assault rifles": "long_guns_seized",
        "handguns": "handguns_seized", "pistols": "handguns_seized", "weapons": "weapons_seized",
        "guns": "weapons_seized", "firearms": "weapons_seized", "vehicles": "vehicles_seized",
        "trucks": "vehicles_seized", "magazines": "magazines_seized", "cartridges": "cartridges_seized",
        "rounds": "rounds_fired", "shots": "rounds_fired", "bullets": "rounds_fired",
        "casings": "casings_found", "shell casings": "casings_found", "hits": "hits_on_aircraft",
        "bodies": "killed", "corpses": "killed",
        "impacts": "hits_on_aircraft",
    }),
    before=_cats({
        "killed": "killed", "killing": "killed", "kill": "killed", "left dead": "killed", "shot dead": "killed",
        "wounded": "wounded", "injured": "wounded", "injuring": "wounded", "wounding": "wounded",
        "arrested": "arrested", "detained": "arrested", "captured": "arrested", "arresting": "arrested",
        "executed": "executed", "seized": "weapons_seized", "fired": "rounds_fired", "death toll of": "killed",
        "death toll to": "killed", "toll of": "killed",
    }),
    not_counts=frozenset("""hour hours minute minutes day days week weeks month months year years decade decades
        am pm a.m. p.m. o'clock percent per cent km kilometres kilometers miles metres meters hectares acres
        times calibre caliber mm year-old years-old""".split()),
    months=frozenset("""january february march april may june july august september october november december
        jan feb mar apr jun jul aug sep sept oct nov dec""".split()),
    party_nouns={
        **dict.fromkeys("""police policeman policemen policewoman officer officers agent agents soldier soldiers
            marine marines troops gendarme gendarmes guardsmen guardsman trooper troopers""".split(), "security"),
        **dict.fromkeys("""gunmen gunman members member hitmen hitman aggressors attackers assailants suspects
            criminals cartel sicarios militants fighters""".split(), "armed"),
    },
    more_than=_phrases("more than", "over", "upwards of", "in excess of"),
    at_least=_phrases("at least", "no fewer than", "no less than", "a minimum of"),
    zero=_phrases("not a single", "not one", "no single", "no"),
    boilerplate=("see also", "read more", "related:", "related stories", "share this", "follow us", "subscribe",
                 "sign up", "advertisement", "click here", "copyright", "all rights reserved"),
)

ES = Lexicon(
    lang="es",
    say=frozenset("""dijo dice dicen dijeron decir afirmo afirma afirman afirmaron declaro declara declararon
        aseguro asegura aseguran aseguraron informo informa informan informaron senalo senala senalaron indico
        indica indicaron explico explica explicaron sostuvo sostiene sostienen sostuvieron agrego agrega
        agregaron anadio relato relataron narro narraron conto contaron denuncio denuncia denunciaron acuso
        acusaron reconocio reconocieron admitio admitieron confirmo confirma confirmaron anuncio anunciaron
        detallo detallaron preciso advirtio advirtieron insistio insistieron expreso expresaron
        manifesto manifestaron refirio refirieron describio describieron comento comentaron""".split()),
    deny=frozenset("nego niega niegan negaron rechazo rechaza rechazaron desmintio desmiente desmintieron descarto descartaron".split()),
    ambiguous=frozenset("aseguro asegura aseguran aseguraron informa sostuvo sostiene agrego agrega".split()),
    according=_phrases("segun", "de acuerdo con", "de acuerdo a", "conforme a", "citado por", "citada por"),
    that=frozenset(["que"]),
    to=frozenset(["a", "al"]),
    aux=frozenset("ha han habia habian hubo fue fueron tambien luego despues ya ademas incluso nuevamente se le les lo".split()),
    clause=frozenset("que quien quienes cual cuales y e pero sin embargo mientras aunque cuando tras porque como si ni".split()),
    contrast=_phrases("sin embargo", "pero", "no obstante", "en cambio", "por el contrario", "por su parte",
                      "contrario a", "mientras que", "a diferencia de"),
    press=frozenset("medios prensa periodistas reporteros corresponsales".split()),
    pronouns=frozenset("el ella ellos ellas".split()),
    roles=frozenset("""funcionario funcionaria vocero vocera fiscal comandante comisionado comisionada secretario
        secretaria gobernador gobernadora alcalde alcaldesa director directora general almirante coronel
        abogado abogada titular mando""".split()),
    not_speaker=frozenset("""este esta en durante tras despues antes ayer hoy anoche ante por con que
        desde""".split()),
    groups={
        "witnesses": _phrases("testigos", "testigo", "testigos presenciales"),
        "families": _phrases("familiares", "familias", "parientes", "deudos", "madres", "padres"),
        "authorities": _phrases("autoridades", "funcionarios", "el gobierno", "gobierno"),
        "residents": _phrases("vecinos", "pobladores", "habitantes", "lugarenos", "comuneros"),
        "survivors": _phrases("sobrevivientes", "sobreviviente"),
        "police": _phrases("policia", "policias", "la policia", "agentes", "elementos policiacos"),
        "army": _phrases("ejercito", "soldados", "militares", "tropas"),
        "navy": _phrases("marina", "marinos", "armada"),
        "prosecutors": _phrases("fiscalia", "fiscal", "ministerio publico", "investigadores"),
        "sources": _phrases("fuentes", "una fuente", "fuentes oficiales"),
    },
    weak_one=frozenset(["un", "una", "uno"]),
    after=_cats({
        "muertos": "killed", "muertas": "killed", "muerto": "killed", "muerta": "killed", "murieron": "killed",
        "murio": "killed", "fallecidos": "killed", "fallecieron": "killed", "fallecio": "killed",
        "abatidos": "killed", "abatido": "killed", "muertes": "killed", "perdieron la vida": "killed",
        "sin vida": "killed", "asesinados": "killed", "victimas mortales": "killed", "cadaveres": "killed",
        "heridos": "wounded", "herido": "wounded", "heridas": "wounded", "herida": "wounded",
        "lesionados": "wounded", "resultaron heridos": "wounded",
        "detenidos": "arrested", "detenido": "arrested", "detenidas": "arrested", "capturados": "arrested",
        "arrestados": "arrested", "aprehendidos": "arrested", "fueron detenidos": "arrested",
        "ejecutados": "executed", "ejecutadas": "executed", "ejecuciones": "executed", "ejecucion": "executed",
        "torturados": "tortured", "torturadas": "tortured",
        "armas largas": "long_guns_seized", "fusiles": "long_guns_seized", "rifles": "long_guns_seized",
        "armas cortas": "handguns_seized", "pistolas": "handguns_seized", "armas": "weapons_seized",
        "armas de fuego": "weapons_seized", "vehiculos": "vehicles_seized", "camionetas": "vehicles_seized",
        "cargadores": "magazines_seized", "cartuchos": "cartridges_seized", "disparos": "rounds_fired",
        "tiros": "rounds_fired", "balas": "rounds_fired", "casquillos": "casings_found",
        "impactos": "hits_on_aircraft",
    }),
    before=_cats({
        "mataron a": "killed", "asesinaron a": "killed", "abatieron a": "killed", "abatio a": "killed",
        "dejo": "killed", "saldo de": "killed", "detuvieron a": "arrested", "detuvo a": "arrested",
        "capturaron a": "arrested", "hirieron a": "wounded", "ejecutaron a": "executed",
        "aseguraron": "weapons_seized", "decomisaron": "weapons_seized", "dispararon": "rounds_fired",
    }),
    not_counts=frozenset("""hora horas minuto minutos dia dias semana semanas mes meses ano anos decada decadas
        am pm a.m. p.m. por ciento km kilometros millas metros hectareas acres veces calibre mm""".split()),
    months=frozenset("""enero febrero marzo abril mayo junio julio agosto septiembre setiembre octubre noviembre
        diciembre""".split()),
    party_nouns={
        **dict.fromkeys("""policia policias agente agentes elemento elementos soldado soldados militar militares
            marino marinos gendarme gendarmes guardia guardias efectivos uniformados""".split(), "security"),
        **dict.fromkeys("""pistoleros pistolero integrantes integrante miembros miembro sicarios sicario agresores
            atacantes delincuentes criminales sospechosos presuntos civiles armados""".split(), "armed"),
    },
    more_than=_phrases("mas de", "por encima de", "arriba de"),
    at_least=_phrases("al menos", "por lo menos", "cuando menos", "como minimo"),
    zero=_phrases("ni una sola", "ni un solo", "ningun", "ninguna", "no hubo", "no hay"),
    boilerplate=("lee tambien", "leer mas", "ver tambien", "te puede interesar", "relacionado:", "comparte",
                 "siguenos", "suscribete", "publicidad", "haz clic", "derechos reservados", "see also"),
)

LEXICONS = {"en": EN, "es": ES}

__all__ = ["EN", "ES", "LEXICONS", "Lexicon"]
