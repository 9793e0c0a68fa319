"""Does a message speak to its reader? Second-person words and imperatives, in kk/ru/en.

A scam script addresses its victim: "переведите", "аударыңыз", "your account", "вам положена".
A news item or a warning that retells a scam talks about "мошенники" and "жертва" in the third
person and asks the reader for nothing. The text rules see the same scam words in both; this test
tells them apart by grammar rather than by phrase lists, so it reaches wording no rule lists
(`match.has = ["!address"]` in a rule, TXT-CTX-002).

It errs towards "addressed": a generic "вам звонят ..." in a warning, or a warning's own "не
сообщайте код" after a scam's "сообщите код", counts as addressing the reader. Only protective
imperatives ("будьте осторожны", "предупредите близких") and negated ones ("не переводите",
"жібермеңіз") do not. Works on the folded main view (й/ы/і -> и, ң -> н, soft sign dropped), one
linear pass over its words.
"""

from __future__ import annotations

import re


def _words(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


_WORD = re.compile(r"[0-9a-zа-я]+(?:['’][a-z]+)?")
# Second-person pronouns and possessives, folded (сіз -> сиз, сенің -> сенин); Latin-script
# Russian and Kazakh as typed ("vam", "vash", "siz", "sizdin").
_PRONOUNS = _words(
    "вы вам вас вами ваш ваша ваше ваши вашего вашей вашему вашим вашими ваших вашу "
    "ти тебе тебя тобои твои твоя твое твоего твоеи твоему твоим твоих твою "
    "сен саган сени сенин сенде сенен сендер сендерге сиз сизге сизди сиздин сизде сизден "
    "сиздер сиздерге сиздерди сиздердин "
    "you your yours yourself yourselves you've you're you'll you'd u ur "
    "vy vam vas vash vasha vashe vashi siz sizge sizdi sizdin sizde sen sagan senin")
# Informal requests: Russian singular imperatives (a bare stem, so listed) and Kazakh -шы/-ші,
# -сың/-сің ("салшы", "аласың ба"), Russian -ешь/-ишь ("можешь скинуть").
_INFORMAL = _words(
    "скин кин переведи отправ проголосуи голосни напиши позвони дай помоги займи одолжи пришли "
    "скажи зайди перейди нажми установи скачаи жми пиши звони подскажи глянь посмотри верни")
_INFORMAL_ENDINGS = ("ши", "син", "еш", "иш", "shy", "shi", "syn", "sin")
# Calling the reader by a family or friendly name addresses them ("мам, ...", "балам", "bro").
_VOCATIVES = _words(
    "мам мама мамуля мамочка пап папа папуля сынок доча дочка доченька братан братик братишка "
    "бро сестренка бабуля дедуля апа апаи апатаи апеке ага агаи агатаи аже ажеш ата ана анашим "
    "акешим балам кизим улим досим досим жаним бауирим mom mum mommy mummy dad daddy son bro sis")
# Imperatives that protect the reader rather than ask them for something.
_PROTECTIVE = _words(
    "будте предупредите берегите помните остерегаитес осторожни проверяите прочитаите "
    "предупреждаите подскажите проверте")
# Words with an imperative's ending that are not imperatives ("на сайте", "в защите").
_NOT_IMPERATIVE = _words("саите защите элите ните ките сите шите вите бите")
# "Передайте родителям", "расскажите близким", "share this with your family": a warning asks to be
# passed on. Only these verbs followed by who to tell, since "передайте деньги курьеру" is a scam's.
_PASS_ON = _words("передаите расскажите поделитес перешлите отправте покажите share forward tell")
_TO_FAMILY = re.compile(r"\W+(?:своим\W+|всем\W+|(?:with|to)\W+(?:your\W+)?)?(?:близким|родним|родителям|"
                        r"друзям|знакомим|пожилим|родственникам|бабушкам|дедушкам|family|friends|"
                        r"parents|relatives|everyone)(?![0-9a-zа-я])")
_NEGATIONS = _words("не никогда нельзя ни never not don't dont do")
# Kazakh polite imperatives end in -ңыз/-ңіз (folded -низ), plural -ңдар/-ңдер; their negative
# forms have -ма/-ме/-ба/-бе/-па/-пе before it ("жібермеңіз").
_KK_NEGATIVE = ("маниз", "мениз", "баниз", "бениз", "паниз", "пениз", "мандар", "мендер",
                "бандар", "бендер", "пандар", "пендер")
# English requests that open a sentence ("Click the link", "Reply YES").
_EN_REQUESTS = _words(
    "click tap call text reply send verify confirm enter pay transfer install download visit "
    "claim register sign log update contact dial open scan share join subscribe please kindly "
    "provide submit forward read give buy deposit invest redeem activate unlock")

# Words after which an English request verb is an imperative: "first pay", "then enter", "just click".
_EN_LEAD = _words("first then just simply now and or kindly please so")


# Someone else's words in quotes are reported, not said to the reader: "это развод? «переведите
# деньги»". Single quotes only around words, not an apostrophe inside one ("don't").
_QUOTED = re.compile(r"«[^»]{0,600}»|“[^”]{0,600}”|„[^“”]{0,600}[“”]|\"[^\"]{0,600}\"|"
                     r"(?<![0-9a-zа-я])'[^'\n]{2,600}'(?![0-9a-zа-я])")


def addresses_reader(folded: str, *, outside_quotes: bool = False) -> bool:
    """True when the message speaks to its reader: a second-person word or a request verb.

    `outside_quotes`: only the writer's own words count. A question about a scam quotes the scam's
    "переведите" without saying it; a retold call ("«... аударыңыз» деді") still counts as
    addressed by default, because the person retelling it may be about to act on it.
    """
    if outside_quotes:
        folded = _QUOTED.sub(" ", folded)
    prev = ""
    last_end = 0
    for m in _WORD.finditer(folded):
        word = m.group()
        if word in _PRONOUNS or word in _VOCATIVES or word.startswith(("ваш", "сиз", "твое")):
            return True
        if word in _INFORMAL or (len(word) >= 4 and word.endswith(_INFORMAL_ENDINGS)
                                 and prev not in _NEGATIONS):
            return True
        if word in _PASS_ON and _TO_FAMILY.match(folded, m.end()):
            prev, last_end = word, m.end()
            continue
        if word == "аудариниз" and prev == "назар":  # "назар аударыңыз": attention!
            prev, last_end = word, m.end()
            continue
        if (len(word) >= 5 and word.endswith(("ите", "итес")) and word not in _NOT_IMPERATIVE
                and word not in _PROTECTIVE and prev not in _NEGATIONS):
            return True
        if len(word) >= 6 and word.endswith(("низ", "ндар", "ндер")) and not word.endswith(_KK_NEGATIVE):
            return True
        if len(word) >= 5 and word.endswith(("ynyz", "iniz", "nyz", "niz")) and word.isascii() \
                and not word.endswith(("manyz", "meniz", "banyz", "beniz", "panyz", "peniz")):
            return True
        gap = folded[last_end:m.start()]
        if word in _EN_REQUESTS and (last_end == 0 or word in ("please", "kindly") or prev in _EN_LEAD
                                     # a new sentence or list item, not "egov-pay.example"
                                     or (gap[-1:].isspace() and any(c in ".!?\n:;,-" for c in gap))):
            return True
        prev, last_end = word, m.end()
    return False
