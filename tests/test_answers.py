"""Questions people ask get the cited figure, or a plain "no such figure" — never another one."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.render import render_html, render_plain
from facts.ingest import ingest
from intents.engine import Engine
from intents.evaluate import evaluate, load_cases, verdict
from tests.conftest import TESTS

TODAY = dt.date(2026, 11, 21)
# At most 1 in 100 questions may get a wrong figure (the bar); measured: 0 on dev and
# every held-out set (1-23).
WRONG_RATE_BAR = 0.01


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    path = tmp_path_factory.mktemp("engine") / "facts.db"
    return Engine.load(path, today=lambda: TODAY, record_misses=False)


@pytest.mark.parametrize(
    ("question", "value"),
    [
        ("how many valid invention patents does western China have?", 531000),
        ("How many patents in force in the west?", 531000),
        ("guangxi GIs how mnay", 211),
        ("how many GIs guangxi hav", 211),
        ("how many ppl rode the china laos railway since it opened", 42_000_000),
        # a unit asked for, not a date
        ("What is the annual direct output of the west's GI products when expressed in US dollars?", 429.8e9),
        ("And what's that western GI direct output figure when converted to US dollars?", 429.8e9),
        # a newspaper's name, not a figure per day
        (
            "In the China-Daily-style feature, how many invention patents were valid in the west at end-September 2024?",
            493_000,
        ),
        (
            "At that same August briefing, how many fast-growing western companies did they say had been picked "
            "for the pilot pool?",
            2361,
        ),
        ("Number of still-valid invention patents in western China in the June 2025 snapshot?", 531_000),
        ("What share of the country's GI products sits in the west? Percentage, please.", 38.8),
        (
            "Western China's stock of valid invention patents at the close of September 2024 stood at what number?",
            493_000,
        ),
        ("What was the trademark stock in the west at June 2025?", 7_006_000),
        ("Which numbered China–ASEAN Heads of IP Offices Meeting is Xi'an hosting?", 16),
        # the release's last year when the question names the release, by any name
        ("How fast did the western regions' economy expand last year, per the innovation-surge piece?", 5.5),
        ("trademark growth yoy west", 10.5),
        ("valid invention patents western china at the end of September 2024", 493000),
        ("GI products recognised in western China in 2024", 931),
        ("how many geographical indication products does the west have", 978),
        ("trade marks registered in western china", 7006000),
        ("What was China's GDP growth in 2023?", 5.2),
        ("How big is the Talatan solar park?", 600),
        ("how many passengers has the kunming-vientiane railway carried", 42000000),
        ("when did the China-Laos Railway start operating?", 2021),
        ("which edition of the China-ASEAN Heads of IP Offices Meeting is in Xi'an?", 16),
        ("GI output value of the west in dollars", 60360000000),
        ("How many Chinese GIs are protected under the China-EU agreement?", 100),
        ("How many foreign markets has Helan Mountain wine reached?", 40),
        ("what is the new figure for patents in the west?", 531000),
        # the year of an event a release dates: "was held ... last year", "In 2021, ... signed"
        ("In what year was the 18th China-EU Heads of IP Offices Meeting held?", 2024),
        ("When did China and the EU sign their GI agreement?", 2021),
        ("which year does the China-ASEAN heads of IP offices meeting take place?", 2025),
        # a period that names when the figure was reported, not when it holds
        ("per CNIPA's august presser, what's the tally of valid registered trademarks in the west?", 7006000),
        ("valid invention patents in the west according to the August 2025 press conference", 531000),
        ("According to the report, what was western China's GDP growth last year?", 5.5),  # 2023
        # two letters swapped; a phrase hyphenated into one word; a thing's place by its neighbour
        ("photovoltaic shep concept patended in what yaer", 2018),
        ("When did the solar-panels-plus-sheep idea in Qinghai get its patent?", 2018),
        # "span" is a word, not a misspelt "Spain"
        ("How many square kilometers does the Talatan photovoltaic power generation park span?", 600),
        # "linking" is a word, not a misspelt Liaoning
        ("The railway linking Kunming and Vientiane - about how many patents came out of building it?", 30),
        # words run together, a three-letter slip, a greeting and an official place name
        ("how manyprovincial-level regions in western china", 12),
        ("howmany EU GIs in the 2021 agrement", 96),
        ("guangxi how many GIs hte region has", 211),
        (
            "Good afternoon. Could you advise how many geographical indications the Guangxi Zhuang"
            " Autonomous Region has?",
            211,
        ),
        ("western regoins GDP grwoth rate beating the national avg", 5.5),
        # where a running total starts is not the period asked; a unit no description writes so
        (
            "Since it opened in December 2021, how many passenger trips has the China-Laos railway handled?",
            42e6,
        ),
        ("How many square km does the solar farm in the Talatan Gobi cover?", 600),
        ("How many people does Guangxi's GI sector provide employment for?", 5e6),
        ("How much did the deals signed at the cross-regional patent matchmaking events add up to?", 210e6),
        ("how many valid patents has western China's innovation produced?", 531000),  # no title
        ("since 2021 how many Chinese GIs were protected under the China-EU agreement?", 100),
        # places a release lists, counted
        ("In how many cities were cross-regional patent commercialization events held?", 3),
        ("how many contries has shaanxi set up overseas IP protecton workstations in", 2),
        # "the end of Q3" with no year is the end of September; "how many", though a share is named
        ("At the end of Q3, how many valid invention patents did the western regions have?", 493000),
        (
            "How many western enterprises were picked for the pilot pool, a quarter of the national total?",
            2361,
        ),
        # registrations, "these days", "GI-protected", "year-over-year pace", "what number of"
        ("Roughly how many live trademark registrations are there across western China these days?", 7006000),
        (
            "What's CNIPA's most recent tally of GI-protected products recognised in the western provinces?",
            978,
        ),
        (
            "At what year-over-year pace were the west's valid invention patents expanding at the end of September?",
            16.7,
        ),
        ("What number of GI collective/certification marks has the west had approved, per CNIPA?", 2399),
        ("how many GI trademarks does western China have?", 2399),  # neither kind alone
        # "September-end"; the place in what a release is about is not the place asked about
        ("how much did western invention patents grow year on year at September-end 2024?", 16.7),
        ("What was China's national GDP growth in 2023, as cited in the article on western China's IP?", 5.2),
        ("How many geographical indications belong to Guangxi? number only", 211),
        # a name in quotation marks; the park by its sheep; the railway's patents by its engineers
        ("What's the yearly power output, in kWh, of the 'photovoltaic sheep' solar park in Qinghai?", 80e6),
        ("Engineers on the China-Laos line: roughly how many patents did they win?", 30),
        # a month and its year told apart; "agree", "take in", "enter service" as the releases say it
        (
            "In 2024, by what percent did registered trademarks in the west grow (the end-September figure)?",
            10.5,
        ),
        ("How many European geographical indications did China agree to protect in the 2021 deal?", 96),
        (
            "How many litres of Helan Mountain wine have European markets like the UK and France taken in?",
            228000,
        ),
        ("In which year did the China–Laos Railway enter service?", 2021),
        # what is counted, said many ways
        ("How many people does Guangxi's GI sector employ?", 5e6),
        ("Tell me how many passenger trips the China-Laos Railway has handled so far.", 42e6),
        # found in review: a small number of other things is no quoted figure; a place is no thing counted
        ("how many valid invention patents do the 12 provinces of western China have?", 531000),
        ("how many western registered trademarks are there?", 7006000),
        ("what % of natonal GI products r in the west", 38.8),
        (
            "The previous report was out of date; how many valid invention patents does western China have now?",
            531000,
        ),
        (
            "With how many provinces along the Yellow River Basin has Shaanxi set up IP cooperation mechanisms?",
            9,
        ),
        (
            "For how many years in a row has Shaanxi hosted the Belt and Road IP forum at the Silk Road Expo?",
            4,
        ),
        (
            "Collective marks and certification marks for geographical indications: how many has the west had approved?",
            2399,
        ),
        # who is asking is not what is asked; "high growth enterprises" asks for no growth rate
        ("IP officer here: what figure did CNIPA give for valid registered trademarks in the west?", 7006000),
        ("how many high growth enterprizes from westrn china in the pilot pool", 2361),
        (
            "What invention-patent total for the west did CNIPA announce at its August press conference?",
            531000,
        ),
        # a release described by a figure it gives: which release, not what is asked
        (
            "What was the annual increase in trademark registrations in the west, in percent, in the report"
            " where invention patents reached 493,000?",
            10.5,
        ),
        ("trademrk growth rate western china in the report with 493000 patents", 10.5),
        # a quarter written short; "grown" asks for growth; "home to"; a span of years; a bound
        ("Q3 2024: valid invention patents in western China?", 493000),
        (
            "At the end of Q3 2024, how much had registered trademarks in the western region grown on a year earlier?",
            10.5,
        ),
        ("what was the rise in trademarks?", 10.5),
        ("How many geographical indications is Guangxi Zhuang Autonomous Region home to?", 211),
        ("how many years has Shaanxi hosted the Belt and Road forum?", 4),
        ("how many passenger trips had the China-Laos Railway carried by October 2024?", 42000000),
        ("Under the Sino-European GI deal, how many European GIs get protection?", 96),
        # a place with two letters swapped, capitalised like a name; a bare figure saying which release
        ("GDP growth of Chian", 5.2),
        ("in the article where GI products were 931, how many patents?", 493000),
        # "per year" of a yearly figure; "besides" that only sets another figure aside
        ("how much electricity does Talatan generate per year", 80000000),
        ("wipo top100 clusters how many west cities", 4),
        # words said of a thing, not in its figure's description, still say which thing
        ("How big is the solar farm in Qinghai where sheep graze between the panels?", 600),
        ("What is the land area of the Talatan solar park in Qinghai, in square km?", 600),
        # a figure the question quotes says when: the count of the share's time, not the latest
        (
            "In the article that puts the west at 38.8 percent of China's GI products, how many GI products is that?",
            931,
        ),
    ],
)
def test_answers_with_the_cited_figure(engine: Engine, question: str, value: float) -> None:
    answer = engine.answer(question)
    # a figure (with its dollar twin) or two set side by side; never a change that merely lists it
    assert answer.answered and answer.kind in {"figure", "compare"}, render_plain(answer)
    assert value in [f.value for f in answer.facts]
    text = render_plain(answer)
    assert answer.facts[0].quote in text and "Source:" in text


@pytest.mark.parametrize(
    "question",
    [
        "valid invention patents in Beijing",
        "GI products in Yunnan",
        "patents in 2015",
        # a change in things within a year the releases give only a rate for
        "By how many patents did western China's valid invention patent stock grow in absolute terms in the year to September 2024?",
        "How many invention patents does Huawei hold?",
        "What was China's national GDP growth last year?",
        "how many sheep are in the Talatan park?",
        "how many trademarks does Guangxi have?",
        "How many design patents does western China have?",
        "copyright registrations in the west",
        "How much was signed at the Baotou patent commercialization event alone?",
        "how many EU GIs are on the second China-EU list",
        "How much freight has the China-Laos Railway carried?",
        "valid invention patents in China as a whole",
        "how many tunnels were drilled for the China-Laos Railway?",
        "what's the weather in Xi'an?",
        "how many GIs does Mars have?",
        "how many patents in the whole country?",
        "How many litres of Helan Mountain wine did Britain alone import?",
        "which province has the most valid invention patents?",
        "how many trademarks per patent in western China?",
        "how many new invention patents were granted in western China?",
        "population of western china in people?",
        "valid invention patents in western China a year before September 2024",
        "what share of national patents does western China hold?",
        "Where was the China-EU Heads of IP Offices meeting held last year?",
        "how many valid invention patents did western China have in August 2025?",  # not reported
        # words that narrow a figure to a part of it: the releases give only the whole
        "how many pending invention patents does western China have?",
        "how many expired invention patents in the west?",
        "how many foreign invention patents does western China have?",
        "how many new trademarks were registered in western China?",
        "how many rural GI products in western China?",
        "how many design patents did the China-Laos railway get?",
        # "how many" of things, no unit named: a count, never money, an area or litres
        "how many patent commercialisation events were held in the west?",
        "how many solar parks are in Qinghai's Talatan desert?",
        "how many wine regions in Europe import Helan Mountain wine?",
        # "European countries such as Britain and France" are examples, not a count
        "how many European countries import Helan Mountain wine?",
        "How many geographical indication products are registered on Mars?",  # not "marks"
        "how many copyrights in the west?",  # not split into known words
        "how many passenger trips has the China-Laos railway carried since 2019?",  # counted from 2021
        "What's the average output value per western GI product?",  # a figure divided, never given
        "What was China's GDP growth in 2024, per the releases?",  # asks for 2024, not the 2024 report
        # found in review: another thing's figure, a ratio per day or per employee, a contrast
        "how many agreements did the cross-regional IP cooperation sign?",
        "GI output value per employee in Guangxi",
        "how many kWh did Talatan generate per day?",
        "what is the indirect output value of GI products?",
        "By what percentage did western invention patents grow between September 2024 and June 2025?",
        "On average, how many valid invention patents does each western province hold?",
        "how many more GI trademarks than GIs in Guangxi?",
        # a word denying the figure's own; an unknown place in lower case; a figure quoted to
        # say which thing, not asked for; a change within a year the releases do not give
        "how many unrecognized GI products?",
        "how many invalid patents in the west",
        "gdp growth of narnia",
        "with 42 million passenger trips, how many patents did the railway get?",
        "how many valid patents did the west add in 2024?",
        "change in valid patents in 2024",
        # found by a helper hunting wrong figures: a part taken out, a kind of figure the
        # releases do not break out, China as a whole, another ranking's cut-off, a ratio, a
        # time before a date, another place compared, a time relative to nothing given
        "valid registered trademarks excluding GI trademarks",
        "how many GI products besides Guangxi's",
        "direct output value of Guangxi GIs",
        "comprehensive output value of GI products in western china",
        "how many high-value invention patents in western china",
        "how many agricultural GI products in western china",
        "how fast did GI collective trademarks grow",
        "how many chinese cities in the wipo top 100",
        "how many Chinese invention patents",
        "how many western cities are in the wipo top 10",
        "passenger trips per year china laos railway",
        "electricity per square kilometer talatan",
        "how many GI products does the average western province have",
        "invention patents before june 2025",
        "how many more valid invention patents in the west than in Shaanxi",
        "how many more patents in june 2025 than the year before",
        # a place asked for, not a figure; a change within the year to a date
        "Which western region has 211 GIs?",
        "how many invention patents were added in the year to september 2024",
        # a running total since 2021 is no count within a year; "how many years" is no count of trips
        "how many passenger trips did the China-Laos Railway carry in 2024?",
        "How many years passed between the photovoltaic sheep concept being patented and the China-Laos Railway"
        " starting operation?",
        # the question gives the 38.8% itself: it is not the answer
        "When western GI products made up 38.8% of the national total, what share was that?",
        # one kind of a figure that counts two together; the whole of a list the west is part of
        "How many GI collective trademarks does western China have?",
        "how many certification marks in the west?",
        "How many GI products were on the first China-EU GI list in total?",
        # the change of a rate the releases give at one time only, not of the count
        "How much did the year-on-year growth rate of western invention patents change from September 2024 to June 2025?",
        # the end of a year, not any time in it
        "How many valid invention patents did the west have at end-2024?",
        "How many GI trademarks did the west have at year-end 2025?",
        # the story's place, which has no figures, is what the clause asks about: the thing it
        # also names is not
        "I'm drafting a note for a delegation visiting Xi'an, which hosts the exchange center. How many GI products are there?",
        # the size of the ranking, not the west's part of it
        "How many clusters does the WIPO science and technology cluster ranking mentioned in the innovation-surge article cover?",
        "How many cities are in WIPO's top 100 cluster ranking overall?",
        "How much did the China-Laos Railway cost to build?",  # money, not its 30 patents
        # found by a helper hunting wrong figures: a thing counted that no figure counts
        "How many bridges were built on the China-Laos Railway?",
        "How many bottles of Helan Mountain wine were exported?",
        "The park generates 80 million kWh; how many households does it power?",
        "How many women are employed by Guangxi's GIs?",
        "How many engineers built the China-Laos railway?",
        "How many patents and trademarks were obtained during construction of the China-Laos railway?",
        # a stock is no flow: nothing per year or month, no gain within a half year or since
        # a time the releases have no figure for
        "How many trademarks does the west register annually?",
        "How many people has the China-Laos railway carried each month?",
        "How many valid invention patents did the west gain in the first half of 2025?",
        "How many GI products did western China add in the first half of 2025?",
        "How many valid invention patents has western China gained since 2023?",
        # a part (exported, high-tech), another stage (construction, not operation), a sum
        "How many GI products does western China export?",
        "How many high-tech enterprises are there in western China?",
        "When did construction of the China-Laos Railway start?",
        "In total, how many GI products and GI trademarks does the west hold?",
        # a figure of the releases said to tell which things: not this figure's
        "What is the output value of the 978 GI products in western China?",
        "Of the 42 million passenger trips, how many were international?",
        # from the last blind set: a ranking of places asked with its figure
        "Which western province has the most valid invention patents, and how many?",
        # found in review: a yearly figure asked per month or day; a running total per day
        "Talatan's monthly electricity generation",
        "direct monthly output value of western GI products",
        "how many passengers does the china laos railway carry daily",
    ],
)
def test_says_it_has_no_such_figure_rather_than_another(engine: Engine, question: str) -> None:
    answer = engine.answer(question)
    assert not answer.answered, render_plain(answer)
    assert answer.facts == []
    assert "no" in render_plain(answer).lower()


@pytest.mark.parametrize(
    "dialogue",
    [
        [("How many GIs does Guangxi have?", 211), ("and what's their output value?", 200e9)],
        [
            ("How many valid invention patents does western China have?", 531000),
            ("and at the end of September 2024?", 493000),
            ("how fast did that grow?", 16.7),
        ],
        [
            ("What was registered trademark growth in western China?", 10.5),
            ("what about invention patents?", 16.7),
        ],
        [("How fast did western China's GDP grow in 2023?", 5.5), ("and the national average?", 5.2)],
        [("How many Chinese GIs are protected under the China-EU agreement?", 100), ("and EU ones?", 96)],
        [("How big is the Talatan solar park?", 600), ("how many sheep are there?", None)],
        # a province of the west, which the west's figures are not: no figure there
        [("How many GI products did western China have as of June 2025?", 978), ("and in Xinjiang?", None)],
        # nor a city the west's figures list (Chongqing among its cities in a ranking)
        [
            ("How many GI products had the western region recognised as of June 2025?", 978),
            ("and in Chongqing alone?", None),
        ],
        [
            ("How many liters of Helan Mountain wine did European areas import?", 228000),
            ("what was that worth?", None),
        ],
        # another kind of figure of the same thing; another thing named by its own word
        [
            ("Which edition was the China-EU Heads of IP Offices Meeting held in Chengdu?", 18),
            ("What year was it held?", 2024),
        ],
        [
            ("Which edition of the China-EU heads of IP offices meeting was held in Chengdu?", 18),
            ("and the ASEAN one in Xi'an?", 16),
            ("what year is that one?", 2025),
        ],
        [
            ("how much was signed at the cross-regional patent commercialization events?", 210e6),
            ("in how many cities were those held?", 3),
        ],
        # "that" points back at the share's figure: the count of the same time, not the latest
        [
            ("What share of China's GI products come from the west?", 38.8),
            ("and how many products is that?", 931),
        ],
        # the month a date was asked in is the answer, not the period of what follows
        [
            ("What day in August was the CNIPA press conference with the western China figures?", 2025),
            ("and how many GI collective and certification marks did it report for the west?", 2399),
        ],
        # a figure declined for a place is still what the conversation is about
        [
            ("Number of valid invention patents in Xinjiang?", None),
            ("ok and for the whole western region, latest?", 531000),
            ("and Guangxi?", None),
        ],
        # a period only the count has, after its rate: the count asked about first...
        [
            ("How many valid invention patents were there in western China at end-September 2024?", 493000),
            ("what was the growth vs a year earlier?", 16.7),
            ("and by June 2025?", 531000),
        ],
        [
            (
                "By how much did registered trademarks grow year on year in the west as of end-September 2024?",
                10.5,
            ),
            ("how many were there at that point?", None),
            ("ok and by June 2025?", 7006000),
        ],
        [
            ("How many valid invention patents did western China have at the end of September 2024?", 493000),
            ("What was the year-on-year growth?", 16.7),
            ("And what's the most recent figure?", 531000),
        ],
        # no rate for the time of the count just given, only for another time
        [
            ("how many valid registered trademarks does the west have", 7006000),
            ("how fast did that grow?", None),
        ],
        # ...but a rate asked alone stays a rate, which the releases do not give for June 2025
        [
            ("what was the yoy growth of valid invention patents in the west by end of september?", 16.7),
            ("and as of june 2025?", None),
        ],
        # the figure a release gave before the one in view, and then its share
        [
            ("What's the latest number of recognised GI products in the western region?", 978),
            ("and what figure did the earlier CNIPA report give?", 931),
            ("what share of the national total was that?", 38.8),
        ],
        [("How many GIs does Guangxi have?", 211), ("and in the previous report?", None)],
        [
            ("How many GI products in the west as of June 2025?", 978),
            ("and the earlier figure?", 931),
            ("and the earlier figure?", None),
        ],
        # after a count and its share, another time is the count's ("share" is no word of it)
        [
            ("How many GI products did the west have according to the 'IP Takes Lead' article?", 931),
            ("what percentage of the national total is that?", 38.8),
            ("and by June 2025?", 978),
        ],
        # found by a helper hunting wrong figures: a follow-up switching place gets the same
        # figure there, a conversation about a place gets no other place's, a sum is not given
        [
            ("How many Chinese GIs are protected under the China-EU deal?", 100),
            ("And from western China?", None),
        ],
        [("How many GIs does Guangxi have?", 211), ("And how many are on the China-EU list?", None)],
        [
            ("How many GI products does Guangxi have?", 211),
            ("And what share of the national total is that?", None),
        ],
        [
            ("What share of national GI products does western China have?", 38.8),
            ("And for GI trademarks?", None),
        ],
        [
            ("How fast did registered trademarks grow in the west at the end of September 2024?", 10.5),
            ("And the trademark count then?", None),
        ],
        [("How many patents did the railway get during construction?", 30), ("And since it opened?", None)],
        [
            ("How many valid trademarks does western China have?", 7006000),
            ("And GI trademarks?", 2399),
            ("And both together?", None),
        ],
        # another member of the figure's contrast is the same figure there, labelled as such
        [
            ("What's the direct output value of western China's GI products?", 429.8e9),
            ("and Guangxi's?", 200e9),
        ],
        # the total of the two figures just given is a sum the releases never give
        [
            ("How many Chinese GIs does the 2021 agreement protect?", 100),
            ("and EU ones?", 96),
            ("so what's the total?", None),
        ],
        [
            ("valid invention patents in the west?", 531_000),
            ("and registered trademarks?", 7_006_000),
            ("so what's the total?", None),
        ],
        # a figure in a currency the release does not give it in; one it does
        [
            (
                "What was the value of signed agreements at the cross-regional patent commercialization events?",
                210e6,
            ),
            ("and in US dollars?", None),
        ],
        [
            ("What's the direct output value of western China's GI products?", 429.8e9),
            ("and in US dollars?", 60.36e9),
        ],
        # "last year, according to the article" is the article's last year for what follows too
        [
            ("What was China's GDP growth last year according to the 'IP Takes Lead' article?", 5.2),
            ("And the western regions?", 5.5),
        ],
        [
            ("Under the 2021 agreement, how many Chinese GIs got protection?", 100),
            ("and how many from the EU side?", 96),
        ],
        # the total of any two counts just given is a sum
        [
            ("how many GIs does Guangxi have?", 211),
            ("and how many western GI products are on the China-EU list?", 36),
            ("so what's the total?", None),
        ],
        # two rates given together are followed up as rates
        [
            ("what were the invention patent and trademark growth rates in the west?", 16.7),
            ("and in 2025?", None),
        ],
        # the count after its rate, not the rate again
        [
            ("What was registered trademark growth in western China?", 10.5),
            ("and what's the absolute number now?", 7_006_000),
        ],
    ],
    ids=[
        "guangxi-value",
        "patents-periods-growth",
        "trademarks-to-patents",
        "gdp-national",
        "gi-eu",
        "park-sheep",
        "west-then-a-province-without-figures",
        "west-then-a-city-it-lists",
        "wine-worth",
        "meeting-edition-year",
        "meeting-eu-asean-year",
        "deals-cities",
        "share-then-its-count",
        "date-in-august-then-count",
        "declined-place-then-west",
        "count-rate-then-count-later",
        "rate-count-declined-then-count-later",
        "count-rate-then-latest-count",
        "count-then-its-rate-not-given-then",
        "rate-alone-then-later",
        "latest-then-earlier-report-then-share",
        "earlier-twice",
        "one-report-only-no-earlier",
        "count-share-then-count-later",
        "deal-gis-then-west",
        "guangxi-then-west-list",
        "guangxi-then-west-share",
        "share-then-count-declined",
        "rate-then-count-asked",
        "patents-then-since-opened",
        "two-counts-then-sum",
        "direct-then-comprehensive-elsewhere",
        "two-sides-then-total",
        "two-counts-then-total",
        "yuan-only-then-dollars",
        "yuan-and-dollars-then-dollars",
        "article-last-year-then-west",
        "chinese-then-eu-side",
        "unrelated-counts-then-total",
        "two-rates-then-a-year-without-them",
        "rate-then-absolute-number",
    ],
)
def test_follow_ups_use_the_conversation(engine: Engine, dialogue: list[tuple[str, float | None]]) -> None:
    context = None
    for question, value in dialogue:
        answer = engine.answer(question, context)
        if value is None:
            assert not answer.answered, question
        else:
            assert answer.answered and value in [f.value for f in answer.facts], (
                question,
                render_plain(answer),
            )
        context = answer.context  # as the bot carries it, whether or not a figure was given


@pytest.mark.parametrize(
    ("question", "difference"),
    [
        (
            "How much did the western invention patent stock rise from the 493,000 figure to the June 2025 level?",
            38000,
        ),
        ("what's the gap between the two reported counts of recognized GI products in western china", 47),
        ("valid invention patents in the west: june 2025 figure minus the end-sept one?", 38000),
        ("how many more valid patents now than in 2024?", 38000),
        ("GI products in western china went from 931 to the june 2025 number — what's the increase?", 47),
        (
            "How many invention patents in force did the west add between the two CNIPA data points"
            " (end of Sept and June 2025)?",
            38000,
        ),
        # the count a release gives, named by its title, against a period
        (
            "How many more GI products did the west have in June 2025 than the count given in the"
            " 'IP Takes Lead' article?",
            47,
        ),
    ],
)
def test_a_quoted_figure_or_a_gap_asks_for_the_change(
    engine: Engine, question: str, difference: float
) -> None:
    answer = engine.answer(question)
    assert answer.kind == "change" and answer.difference == difference, render_plain(answer)


@pytest.mark.parametrize(
    ("dialogue", "values", "difference"),
    [
        (
            [
                "How fast did western China's GDP grow in 2023?",
                "and the national average?",
                "How big is the gap in percentage points?",
            ],
            [5.5, 5.2],
            0.3,
        ),
        (
            [
                "How fast did the western regions' GDP grow according to the article?",
                "and the national figure?",
                "so how many percentage points higher was the west?",
            ],
            [5.5, 5.2],
            0.3,
        ),
        (
            [
                "How many Chinese GIs does the 2021 agreement protect?",
                "and EU ones?",
                "what's the difference between those two numbers?",
            ],
            [100, 96],
            4,
        ),
    ],
)
def test_a_follow_up_compares_the_two_figures_just_given(
    engine: Engine, dialogue: list[str], values: list[float], difference: float
) -> None:
    context = None
    for question in dialogue:
        answer = engine.answer(question, context)
        context = answer.context
    assert answer.kind == "compare" and [f.value for f in answer.facts] == values, render_plain(answer)
    assert answer.difference == pytest.approx(difference)


@pytest.mark.parametrize(
    "dialogue",
    [
        [
            "How many western GI products are on the first China-EU GI list?",
            "How many Chinese GIs does the 2021 agreement protect?",
            "what's the difference between those two numbers?",
        ],
        # figures of different things, of one place: a gap between them means nothing
        ["valid invention patents in the west?", "and registered trademarks?", "how big is the gap?"],
        ["What share of China's land area is the west?", "and of its population?", "how big is the gap?"],
        # a gap in percent between two counts
        [
            "How many Chinese GIs does the 2021 agreement protect?",
            "and EU ones?",
            "how big is the gap in percent?",
        ],
    ],
)
def test_two_figures_of_different_things_are_not_compared_as_the_last_two(
    engine: Engine, dialogue: list[str]
) -> None:
    *before, asked = dialogue
    context = None
    for question in before:
        context = engine.answer(question, context).context
    assert not engine.answer(asked, context).answered


@pytest.mark.parametrize(
    ("dialogue", "difference"),
    [
        (
            [
                "GI products recognised in the west, 2024?",
                "and in June 2025?",
                "so how many were added in between?",
            ],
            47,
        ),
        (
            [
                "what is the current number of valid invention patents in western China?",
                "And at the end of September 2024?",
                "So how much did that number grow between the two dates?",
            ],
            38000,
        ),
        (
            [
                "How many GI products in western China as of June 2025?",
                "and in the 2024 article?",
                "so how much did it change?",
            ],
            47,
        ),
        (["GI products in the west?", "how much has that changed?"], 47),
        # "the increase" between the two figures just given is their difference
        (
            ["western patents in force end of september 2024", "and as of june 2025", "whats the increase"],
            38000,
        ),
    ],
)
def test_a_follow_up_asks_for_the_change_between_the_figures_given(
    engine: Engine, dialogue: list[str], difference: float
) -> None:
    context = None
    for question in dialogue:
        answer = engine.answer(question, context)
        context = answer.context
    assert answer.kind == "change" and answer.difference == difference, render_plain(answer)


def test_latest_by_default_with_the_earlier_figure_mentioned(engine: Engine) -> None:
    answer = engine.answer("valid invention patents in western China")
    assert [f.value for f in answer.facts] == [531000]
    assert [f.value for f in answer.history] == [493000]
    assert "Earlier: 493,000" in render_plain(answer)


def test_change_gives_both_cited_figures_and_the_computed_difference(engine: Engine) -> None:
    answer = engine.answer(
        "how much did valid invention patents in western China grow from September 2024 to June 2025?"
    )
    assert answer.kind == "change" and answer.difference == 38000
    text = render_plain(answer)
    assert "+38,000" in text and "531,000" in text and "493,000" in text and "computed" in text


def test_unknown_period_says_which_periods_exist(engine: Engine) -> None:
    answer = engine.answer("valid invention patents in western China at the end of 2019")
    assert not answer.answered
    assert answer.message == (
        "I have no figure for valid invention patents (western China) for the end of 2019; "
        "I have it for the end of September 2024 and June 2025."
    )


def test_question_set_accuracy_stays_above_the_bar(engine: Engine) -> None:
    # Each bar sits about 1.5 points under the accuracy measured when it was last raised (dev
    # 99.0%, held-out sets 98.2, 99.5, 96.8, 98.9, 96.7, 97.0, 92.7, 98.2, 97.6, 99.1, 99.1,
    # 98.7, 96.4, 94.8, 96.5, 96.5, 99.1, 97.4). Held-out sets 6-18 were first run before anyone
    # looked at them: 88.1% right (4 wrong figures), 84.9% (2), 87.7% (4), 92.5% (3), 88.6% (2),
    # 90.9% (3), 94.8% (4), 92.0% (3), 92.6% (3), 93.0% (1), 94.7% (2), 94.7% (3), 95.2% (0).
    bars = {
        "dev": 0.975,
        "holdout": 0.965,
        "holdout2": 0.98,
        "holdout3": 0.95,
        "holdout4": 0.975,
        "holdout5": 0.95,
        "holdout6": 0.955,
        "holdout7": 0.91,
        "holdout8": 0.965,
        "holdout9": 0.96,
        "holdout10": 0.975,
        "holdout11": 0.975,
        "holdout12": 0.97,
        "holdout13": 0.945,
        "holdout14": 0.93,
        "holdout15": 0.95,
        "holdout16": 0.95,
        "holdout17": 0.975,
        "holdout18": 0.96,
        "holdout19": 0.96,
        "holdout20": 0.985,
        "holdout21": 0.975,
        "holdout22": 0.96,
        "holdout23": 0.955,
    }
    for name, bar in ((f"{stem}.jsonl", bar) for stem, bar in bars.items()):
        report = evaluate(engine, load_cases(TESTS / "questions" / name))
        assert len(report.outcomes) >= 150
        assert report.accuracy >= bar, name
        wrong = [o.question for o in report.outcomes if o.verdict in {"wrong", "uncited"}]
        assert report.wrong_rate <= WRONG_RATE_BAR, (name, wrong)


def test_a_newly_ingested_release_is_answerable_without_code_changes(
    tmp_path: Path, release_dir: Path
) -> None:
    path = tmp_path / "facts.db"
    before = Engine.load(path, today=lambda: TODAY, record_misses=False)
    assert not before.answer("how many valid invention patents does Zhejiang have?").answered
    ingest(
        path,
        [
            release_dir / "zhejiang-ip-annual-2024.txt",
            release_dir / "hainan-geographical-indications-2025.txt",
        ],
    )
    after = Engine.load(path, today=lambda: TODAY, record_misses=False)
    for question, value in [
        ("how many valid invention patents does Zhejiang have?", 412600),
        ("Zhejiang valid registered trademarks", 4610000),
        ("how many GI products does Hainan have?", 41),
    ]:
        answer = after.answer(question)
        assert answer.answered and answer.facts[0].value == value, (question, render_plain(answer))
        assert answer.sources[answer.facts[0].source_id].bundled is False


def test_unanswered_questions_are_recorded_as_misses(db_path: Path) -> None:
    engine = Engine.load(db_path, today=lambda: TODAY)
    engine.answer("patents in Tibet")
    engine.answer("Patents in Tibet ")
    engine.answer("valid invention patents in western China")
    assert engine.misses() == [("patents in tibet", 2)]


def answers_after_ingesting(
    tmp_path: Path, front_matter: str, body: str, expected: list[tuple[str, float | None]]
) -> None:
    """Ingest a release written here, then ask: each question states its figure, or none."""
    release = tmp_path / "release.txt"
    release.write_text(f"---\n{front_matter}---\n{body}", encoding="utf-8")
    path = tmp_path / "facts.db"
    ingest(path, [release])
    engine = Engine.load(path, today=lambda: TODAY, record_misses=False)
    for question, value in expected:
        answer = engine.answer(question)
        stated = [f.value for f in answer.facts]
        assert stated == ([value] if value is not None else []), (question, render_plain(answer))


def test_varieties_of_a_figure_are_told_apart_once_a_release_brings_them(tmp_path: Path) -> None:
    answers_after_ingesting(
        tmp_path,
        "title: Sichuan design patents, first half of 2025\npublisher: Sichuan IP Service Center\n"
        "date: 2025-07-20\n",
        "As of June 2025, Sichuan had 23,456 valid design patents.\n"
        "The province also had 12,345 pending design patents as of June 2025.\n"
        "Sichuan had 3,456 pledged design patents as of June 2025.\n",
        [
            ("how many pledged design patents does Sichuan have?", 3456),
            ("pending design patents in sichuan", 12345),
            ("how many design patents does Sichuan have?", 23456),  # the valid ones, as for the west
            ("how many licensed design patents does Sichuan have?", None),  # a variety it lacks
        ],
    )


def test_a_figure_is_not_confused_with_its_applications(tmp_path: Path) -> None:
    # "trademarks" leave out "applications": the figure without the word, not a question back
    answers_after_ingesting(
        tmp_path,
        "title: Xiamen trademarks, 2024\npublisher: Xiamen Market Supervision Bureau\ndate: 2025-01-15\n",
        "By the end of 2024, Xiamen had 345,678 digital economy trademarks.\n"
        "Xiamen received 56,789 digital economy trademark applications in 2024.\n",
        [
            ("how many digital economy trademarks did Xiamen have?", 345678),
            ("how many digital economy trademark applications did Xiamen receive?", 56789),
        ],
    )


def test_events_a_new_release_dates_are_answerable(tmp_path: Path) -> None:
    answers_after_ingesting(
        tmp_path,
        "title: Tibet patent fair\npublisher: Tibet IP Office\ndate: 2025-10-28\n",
        "The 5th Tibet Patent Fair was held in Lhasa last year, drawing 3,400 visitors.\n"
        "Patents held by local universities rose to 1,234 by the end of 2025.\n",
        [
            ("when was the Tibet Patent Fair held?", 2024),
            ("which edition of the Tibet Patent Fair was held in Lhasa?", 5),
            ("what year were patents held by universities in Lhasa?", None),  # possession, not an event
        ],
    )


def test_a_year_the_release_gives_in_words_is_stated_as_the_year(engine: Engine) -> None:
    answer = engine.answer("In what year was the 18th China-EU Heads of IP Offices Meeting held?")
    assert render_plain(answer).startswith("2024 (last year) — year held")


def test_a_date_states_its_day_and_month_as_well_as_its_year(engine: Engine) -> None:
    answer = engine.answer("Which day of August 2025 did CNIPA hold its regular press conference?")
    assert "26 August 2025" in render_plain(answer)
    assert [verdict(answer, day, engine) for day in (26, 8, 2025, 27)] == ["right", "right", "right", "wrong"]


@pytest.mark.parametrize(
    "question",
    [
        "when was the press conference?",
        "On what day in August did CNIPA hold the press conference where the western China figures were released?",
        "On what day of August did CNIPA hold its regular press conference on western China's IP figures?",
    ],
)
def test_the_press_conference_asked_about_by_when_is_dated(engine: Engine, question: str) -> None:
    answer = engine.answer(question)
    assert "26 August 2025" in render_plain(answer)
    assert verdict(answer, 26, engine) == "right"


def test_the_same_figure_of_two_other_things_is_a_question_back(engine: Engine) -> None:
    # no thing named: the China-EU meeting (2024) or the China-ASEAN one (2025)?
    answer = engine.answer("when was the meeting held?")
    assert (answer.answered, answer.kind) == (False, "clarify")
    held = {f.id for f in engine.facts_about() if f.metric == "year held"}
    assert len(held) == 2 and {s.fact_id for s in answer.suggestions} == held


def test_a_quoted_figure_several_periods_share_must_be_the_figure_asked_about(tmp_path: Path) -> None:
    # 931 is now western China's GI products (2024) and Hunan's design patents (March 2024)
    answers_after_ingesting(
        tmp_path,
        "title: Hunan IP in numbers\npublisher: Hunan IP Office\ndate: 2025-07-01\n",
        "As of March 2024, Hunan had 931 valid design patents.\n"
        "As of March 2024, Hunan had 1,000 recognized GI products.\n"
        "As of June 2025, Hunan had 1,200 recognized GI products.\n",
        [
            ("Hunan's recognized GI products went from 931 to what in 2025 - what's the increase?", None),
            ("how many recognized GI products does Hunan have?", 1200),
        ],
    )


def test_places_a_new_release_lists_are_counted_as_places_not_as_anything_else(tmp_path: Path) -> None:
    answers_after_ingesting(
        tmp_path,
        "title: Central China patent fairs\npublisher: Hubei IP Office\ndate: 2025-09-30\n",
        "Patent matchmaking fairs have been held in Wuhan, Changsha and Nanchang, closing 1,200 deals.\n"
        "Hubei has opened IP service stations in Germany and France.\n"
        "Its patented tea is sold in European countries such as Italy and Spain.\n",
        [
            ("in how many cities have patent matchmaking fairs been held?", 3),
            ("how many countries has Hubei opened IP service stations in?", 2),
            ("how many patent matchmaking fairs have been held?", None),  # fairs are not cities
            ("in how many European countries is Hubei's tea sold?", None),  # examples, not a count
        ],
    )
    answer = Engine.load(tmp_path / "facts.db", record_misses=False).answer(
        "in how many cities were the patent matchmaking fairs held?"
    )
    assert "3 cities (Wuhan, Changsha and Nanchang)" in render_plain(answer)
    assert "Counted by ipfacts" in render_plain(answer)


@pytest.mark.parametrize(
    ("question", "values", "difference", "said"),
    [
        (
            "Which grew faster in 2023, the west or China as a whole?",
            [5.5, 5.2],
            0.3,
            "Western China is higher by 0.3 percentage points",
        ),
        (
            "How many more Chinese GIs than EU GIs are protected under the China-EU agreement?",
            [100, 96],
            4,
            "higher by 4 geographical indications",
        ),
        (
            "which has had more editions, the China-EU or the China-ASEAN meeting?",
            [18, 16],
            2,
            "China–EU Heads of IP Offices Meeting is higher by 2 (computed",
        ),
        # figures of different times are set side by side, not subtracted
        ("Which has more GIs, Guangxi or the west?", [211, 978], None, "does not subtract"),
        # rates asked for are compared as rates; figures "over" something are not subtracted
        (
            "the gap between patent growth and trademark growth",
            [16.7, 10.5],
            6.2,
            "higher by 6.2 percentage points",
        ),
        ("are there more GIs than jobs in Guangxi?", [211, 5e6], None, "does not subtract"),
        # the side not asked about is not the other one's figure
        (
            "How many fewer EU GIs than Chinese GIs were covered by the 2021 deal?",
            [96, 100],
            -4,
            "higher by 4",
        ),
        # two figures of one place, each named on its side of "than" or "between ... and"
        (
            "In the year to September 2024, how many percentage points faster did western invention"
            " patents grow than registered trademarks?",
            [16.7, 10.5],
            6.2,
            "higher by 6.2 percentage points",
        ),
        (
            "As of June 2025, how many more GI collective and certification trademarks than GI products"
            " did western China have?",
            [2399, 978],
            1421,
            "higher by 1,421 (computed",  # counts of two kinds of thing: no one unit
        ),
        (
            "gap in percentage points between the yoy growth of invention patents and of trademarks in the west?",
            [16.7, 10.5],
            6.2,
            "higher by 6.2 percentage points",
        ),
        # the one figure both sides have, not the west's own best (its patent growth)
        (
            "who grew faster per the article, western china or china overall?",
            [5.5, 5.2],
            0.3,
            "higher by 0.3",
        ),
        # "which side": the two figures a contrast tells apart, neither named
        (
            "Under the 2021 China-EU deal, which side got more GIs protected, and how many?",
            [96, 100],
            -4,
            "Chinese GIs recognized and protected is higher by 4",
        ),
        # one figure at two times
        (
            "Which is higher, the GI count in western China as of June 2025 or in 2024?",
            [978, 931],
            47,
            "The figure as of June 2025 is higher by 47",
        ),
    ],
)
def test_a_comparison_states_both_cited_figures_and_the_gap(
    engine: Engine, question: str, values: list[float], difference: float | None, said: str
) -> None:
    answer = engine.answer(question)
    assert answer.kind == "compare" and [f.value for f in answer.facts] == values
    assert answer.difference == difference
    text = render_plain(answer)
    assert said in text and all(f"“{f.quote}”" in text for f in answer.facts)
    assert render_html(answer).count("<b>") == 2 and "<blockquote>" in render_html(answer)


@pytest.mark.parametrize(
    ("question", "value"),
    [
        (
            "How many GI products had the western region recognized according to the 'IP Takes Lead' article?",
            931,
        ),
        ("western gi share of natinal total % ip takes lead article", 38.8),
        ("according to the 'IP Takes Lead in Western China' article, what was GDP growth?", 5.5),
        ("how many patents in the Innovation Surge article?", 493000),
        (
            "According to the “IP Takes Lead in Western China’s Innovation Surge” piece, how many invention"
            " patents were in force in the region at end-September?",
            493000,
        ),
    ],
)
def test_a_release_named_by_its_title_gives_its_own_figure(
    engine: Engine, question: str, value: float
) -> None:
    answer = engine.answer(question)
    assert [f.value for f in answer.facts] == [value], render_plain(answer)
    assert answer.sources[answer.facts[0].source_id].title.startswith("IP Takes Lead")


def test_a_release_named_by_its_title_without_the_figure_gives_none(engine: Engine) -> None:
    # the article gives trademark growth only; the count is from the press conference
    answer = engine.answer(
        "According to 'IP Takes Lead', how many valid registered trademarks does the west have?"
    )
    assert not answer.answered and answer.facts == []
    assert "'IP Takes Lead in Western China's Innovation Surge' gives no figure" in render_plain(answer)
    assert answer.suggestions  # the figure it does have, from the other release, is offered


PATENTS_AND_TRADEMARKS = {"valid registered trademarks", "valid invention patents"}
GI_PRODUCTS_AND_TRADEMARKS = {"recognized GI products", "GI collective and certification trademarks"}
CHINESE_AND_EU_GIS = {"Chinese GIs recognized and protected", "EU GIs recognized and protected"}


@pytest.mark.parametrize(
    ("question", "figures"),
    [
        (
            "what's the total number of valid patents plus trademarks in western china?",
            PATENTS_AND_TRADEMARKS,
        ),
        (
            "What's the combined total of valid invention patents and valid trademarks in western China as of June 2025?",
            PATENTS_AND_TRADEMARKS,
        ),
        (
            "What is the combined number of GI products and GI collective/certification trademarks in the west?",
            GI_PRODUCTS_AND_TRADEMARKS,
        ),
        # the agreement's own name says EU: it does not make its GIs the EU's
        ("how many GIs in total under the China-EU agreement?", CHINESE_AND_EU_GIS),
        ("how many GIs under the china eu agreement?", CHINESE_AND_EU_GIS),
        (
            "How many GIs in total, Chinese and EU combined, did the 2021 China-EU agreement protect?",
            CHINESE_AND_EU_GIS,
        ),
        # no place named: Guangxi's GIs, or the main subject's GI products
        ("how many GIs?", {"geographical indications (GIs)", "recognized GI products"}),
    ],
)
def test_two_figures_named_at_once_are_a_question_back(
    engine: Engine, question: str, figures: set[str]
) -> None:
    answer = engine.answer(question)
    assert (answer.answered, answer.kind) == (False, "clarify")
    assert {s.label.split(" — ")[0] for s in answer.suggestions} == figures


@pytest.mark.parametrize(
    ("question", "values"),
    [
        ("how many GI products and GI trademarks does the west have as of june 2025?", [978, 2399]),
        ("What are the west's GI trademarks and GI products?", [2399, 978]),
        ("patents and trademarks in western China", [531_000, 7_006_000]),
        ("How many Chinese and EU GIs are protected under the agreement?", [100, 96]),
    ],
)
def test_two_figures_asked_for_together_are_both_given(
    engine: Engine, question: str, values: list[float]
) -> None:
    answer = engine.answer(question)
    assert (answer.answered, answer.kind) == (True, "both")
    assert [f.value for f in answer.facts] == values
    text = render_plain(answer)
    # each figure with its own quote, and nothing computed from the two
    assert all(f"“{f.quote}”" in text for f in answer.facts) and "computed" not in text
    assert render_html(answer).count("<b>") == 2


@pytest.mark.parametrize(
    ("question", "values"),
    [
        # a ratio of the two, which the releases do not give: a question back
        ("What is the ratio of valid trademarks to valid invention patents in western China?", []),
        ("how many GI products were recognized and protected in the west", [978]),
        ("how many GI collective and certification trademarks does the west have", [2399]),
    ],
)
def test_one_figure_described_with_and_is_not_two(engine: Engine, question: str, values: list[float]) -> None:
    answer = engine.answer(question)
    assert answer.kind in {"figure", "clarify"} and [f.value for f in answer.facts] == values


@pytest.mark.parametrize(
    ("question", "value"),
    [
        (
            "I'm drafting a briefing note for our trade delegation in Vientiane and the China–Laos Railway "
            "keeps getting described as 'patent-rich'. Could you tell me how many patents were actually "
            "obtained while it was being built?",
            30,
        ),
        (
            "So I've been reading about Guangxi and its GIs, fruit, tea, that sort of thing, and honestly "
            "I've lost track — what's the total output value those GIs are said to generate?",
            200_000_000_000,
        ),
        (
            "I'm writing a feature on the 'photovoltaic sheep' in Qinghai — I know it was patented a while "
            "back and the park is enormous, but what I actually need for my piece is how much electricity "
            "the park generates per year at most. Can you help?",
            80_000_000,
        ),
        # the story's thing, one of whose figures the clause asks for ("co." ends no sentence)
        (
            "Drafting a wine-trade newsletter — the angle is Ningxia's Helan Mountain reds finding buyers in "
            "Europe. How many litres have the UK, France and co. imported so far?",
            228_000,
        ),
        # a short story whose words name another figure of the same thing than the one asked
        (
            "Someone told me the photovoltaic park in Talatan is big. How much electricity does it produce a year?",
            80e6,
        ),
        ("I know GI output in the west is worth a lot. How many GI products are there?", 978),
        ("Guangxi's GIs employ over 5 million people. How many GIs are there?", 211),
    ],
)
def test_a_long_question_is_answered_by_the_clause_that_asks(
    engine: Engine, question: str, value: float
) -> None:
    answer = engine.answer(question)
    assert answer.answered and [f.value for f in answer.facts] == [value]
    assert answer.question == question


@pytest.mark.parametrize(
    "question",
    [
        # the story names the place asked about, which has no figures
        "I am writing a long story about Yunnan province and its tea growers and their brands. How many GI products are there?",
        # or a topic the releases never give figures for
        "My editor wants a piece on the yuan exchange rate and on patents in the west. What is the exchange rate there?",
        # or the clause asks about another place than the story's figure is of
        "The western firms are a quarter of the pilot enterprise pool — so how many enterprises are in the pool nationally?",
        # or the clause names a place the figure's sentence does not
        "I'm interested in the China-Laos railway. How many patents were obtained in Laos?",
        # or a period the releases have no figure for ("the end of 2025 figures" is no count of 2025 figures)
        "I'm compiling end-2025 figures for a ministry delegation. How many GI trademarks does the west have?",
        "Back in 2015 I wrote a story about patents in the west for my old paper. How many valid invention patents were there?",
    ],
)
def test_a_long_question_keeps_what_its_story_rules_out(engine: Engine, question: str) -> None:
    assert not engine.answer(question).answered


def test_an_edition_the_releases_do_not_tell_of_gets_no_figure(engine: Engine) -> None:
    answer = engine.answer("In what year was the 17th China–EU Heads of IP Offices Meeting held?")
    assert not answer.answered and answer.facts == []
    assert "the releases tell of the 18th" in render_plain(answer)
    assert (
        engine.answer("In what year was the 18th China–EU Heads of IP Offices Meeting held?").facts[0].value
        == 2024
    )


@pytest.mark.parametrize(
    "question",
    [
        "Which has more valid invention patents, western China or eastern China?",
        "which grew faster, western China's GDP or Beijing's?",
        # the other side is a place the releases know, without that figure
        "Did western China's invention patents grow faster than the national average?",
        "Did western China's trademark growth beat China's?",
    ],
)
def test_a_comparison_with_a_side_the_releases_lack_gives_no_figure(engine: Engine, question: str) -> None:
    answer = engine.answer(question)
    assert not answer.answered and answer.facts == [], render_plain(answer)
