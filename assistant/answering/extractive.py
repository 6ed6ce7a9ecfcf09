"""The offline answerer: the sentences of the retrieved passages that answer the question, quoted.

Every sentence of the retrieved chunks is scored against the question with the embedding model
(multilingual, so an English question finds a French sentence), nudged by the chunk's retrieval score
and by shared terms. The best sentences become the answer, each with its marker; when even the best
one is too far from the question, the answer says the articles do not answer it and cites nothing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from langchain_core.documents import Document

from ..chain import new_subject
from ..chunking import stored_sentences
from ..embeddings import EmbeddingCache, ModelEmbeddings, passage_vectors
from ..entities import entity_key
from ..language import crosses, written_in
from ..lexical import fold, stop_words, tokenize
from ..loaders import METADATA_LINE
from ..types import Answer, Citation, newest_published_first
from .answer_types import (
    Expected,
    SameThing,
    carries,
    counted_candidates,
    expected_answer,
    names_counted,
    same_stem,
    says_none_of,
    toll_asked,
)
from .dates import asks_about_future, date_spans, dates_asked, names_future_time
from .grounding import (
    absent_names,
    absent_speaker,
    absent_years,
    mentioned_in,
    named_in,
    near_spelling,
    question_names,
    spelled_out,
    spells,
    text_words,
    years_in,
)
from .messages import no_number_text, not_answered_text

# e5 similarity of a counted noun (query) to a word after a number (passage) naming the same thing.
# Translations measured 0.87-0.96 ("weapons"/"armes" 0.87, "soldiers"/"soldats" 0.93, "dollars" 0.94),
# other words of the sample at most 0.86 ("soldiers"/"personnes"); ambiguous French words fall below
# ("countries"/"pays" 0.82, "goals"/"buts" 0.81).
COUNTED_SIMILARITY = 0.87
# Taken off the score of a sentence whose article names nothing the question names, when another
# retrieved article does: "What is the capital of Australia?" over an article on Rome and one on a rugby
# match in Sydney is not answered "Rome est la capitale de l'Italie", which scores as high as a true
# answer (0.02 off still answered it; 0.05 and 0.1 refuse it). A penalty, not a filter: a sentence far
# better than any other still answers, and PIAF's questions often name what their paragraph leaves to
# the page's title ("Où Satoru Iwata a-t-il étudié ?" on a paragraph saying "il"). On the dev sets
# every value from 0.02 up refused the same 3 more unanswerable questions (of 118); PIAF's 771
# questions with names lost 0 answers at 0.02, 4 at 0.05, 7 at 0.1 and 8 as a filter.
UNNAMED_PENALTY = 0.1
# Which sentences answer is chosen with their context too: ``rank`` adds this share of how much closer
# the question is to the sentence read with its neighbours (the mean of the three vectors) than to the
# sentence alone. An answer often leaves to the sentence before it what the question names ("Où est
# située la faculté de lettres ?" / "La faculté des lettres [...] est créée en 1846 à Aix [...]. Elle
# s'installe rue Gaston de Saporta, à côté de la faculté de droit"). On PIAF,
# answers holding a gold span 0.667 -> 0.691 (see README, Answer quality). Whether to answer at all is
# still decided on ``score``, the sentence alone, so refusals are unchanged.
CONTEXT_WEIGHT = 0.5
# Taken off the rank (not the score) of a sentence that asks a question: a headline or a rhetorical
# question ("Ses stocks suffiront-ils à tenir jusqu'à l'été ?") is the sentence most like a question
# about it and answers none. On the dev sets it only changed which sentences were quoted (PIAF's hub
# "« Original ? [1] Cinglé ? [2]" was an answer to seven questions): 0.1 and 0.2 moved no figure; as
# a filter, one PIAF answer holding its gold span in a question was lost. 0.2 also keeps the question
# out of second place, within ``margin`` of an answer.
QUESTION_PENALTY = 0.2
# The same, for a headline: a line of its own with no closing punctuation ("Drone attacks on Kyiv",
# "Kim Jong-Un soutient ouvertement Poutine"). Short and on the story's subject, it is as close to any
# question on the story as an answer and says less than the article's sentences: on the dev sets, answers
# that began with a line without closing punctuation went from 90 of 1,934 to 22 (MultiHop-RAG's files
# start with the article's title). It still counts in whether to answer: left out of that, it refused 3
# more answerable MultiHop questions and no unanswerable one.
HEADLINE_PENALTY = 0.2
# A sentence quoted as the answer that announces a list ("Le texte interdit :") brings up to this many of
# its items: the items are the answer, and each alone scores below the sentence that names the topic.
LIST_ITEMS_QUOTED = 8
# Added to the rank (not the score: whether to answer is unchanged) of a sentence saying nobody died, or nobody
# was hurt, when a count question asks that toll (``none_counted_first``). The lead of the story it ends ranked
# 0.096 above it.
NONE_COUNTED_BOOST = 0.15
# Added to the rank (not the score: whether to answer is unchanged) of a sentence in another language than the
# question whose number is followed by the noun a count question counts ("quatre essais" for "How many tries did
# Toulouse score?", "11 000 secouristes" for "How many rescuers were deployed?"): e5 ranked above them the
# dateline lead (the match's "31 à 19") and "80 sapeurs-pompiers". Not within one language, where the shared-term
# bonus and e5 already read the noun: on PIAF (French on French) it changed 20 answers, won 1 gold span and lost
# 4 (0.700 -> 0.698; "dans combien de clubs a joué martin ?" put first another sentence counting clubs); across
# languages only, no dev-set answer changed. The factcheck questions 41 -> 42 of 50 ("Combien de pompiers ont
# été mobilisés ?" quotes the English article's 120 firefighters beside the French eighty), newsroom and analyst
# unchanged (0.1, tried before the rule was held to other languages, moved no judgement more).
COUNTED_NOUN_BOOST = 0.05
ADJACENT_GAP = 3  # characters between two sentences that follow each other (a space, a paragraph break)
# A sentence that opens with one of these leans on the one before it ("Il a ajouté...", "They said..."). Not a
# quotation that does: '"This is the biggest walkout since 2019," said the union's head' names its speaker, and
# its "this" is the speaker's; read so, the dateline lead before it opened the answer.
_LEANS_BACK = re.compile(
    r"(?:il|elle|ils|elles|ce|cet|cette|ces|cela|ça|celui|celle|ceux|celles|lui|leur|leurs|selon lui|"
    r"selon elle|he|she|it|its|they|their|them|this|that|these|those|his|her|such|mais|but|however|cependant|"
    r"pourtant|toutefois|en revanche|yet)\b",
    re.I,
)
# Across languages similarities sit closer together and the gain did not hold (README): not used.
CONTEXT_WEIGHT_CROSS = 0.0


@dataclass
class ScoredSentence:
    chunk: Document
    start: int  # offsets in the article
    end: int
    text: str
    similarity: float
    score: float  # the sentence alone: refusals and citations
    rank: float | None = None  # the score with its context: the order in which sentences are chosen
    headline: bool = False
    list_item: bool = False  # a Markdown list's item ("- ...", "1. ..."), its mark not quoted
    none_counted: bool = False  # says nobody counts in the toll asked ("No deaths were reported.")

    def __post_init__(self) -> None:
        if self.rank is None:
            self.rank = self.score


class ExtractiveAnswerer:
    name = "extractive"

    def __init__(
        self,
        embeddings: ModelEmbeddings,
        cache: EmbeddingCache | None,
        *,
        max_sentences: int = 3,
        min_score: float = 0.925,
        min_score_cross: float = 0.885,
        margin: float = 0.07,
        further_margin: float = 0.01,
        chunk_weight: float = 0.1,
        term_weight: float = 0.05,
        spread_weight: float = 0.0,
        spread_center: float = 0.0,
        unnamed_penalty: float = UNNAMED_PENALTY,
        context_weight: float = CONTEXT_WEIGHT,
        context_weight_cross: float = CONTEXT_WEIGHT_CROSS,
        question_penalty: float = QUESTION_PENALTY,
        headline_penalty: float = HEADLINE_PENALTY,
    ) -> None:
        self.embeddings = embeddings
        self.cache = cache
        self.max_sentences = max_sentences
        self.min_score = min_score
        self.min_score_cross = min_score_cross
        self.margin = margin  # the second sentence's distance from the best
        self.further_margin = further_margin  # a third's or more: only a near-tie with the best
        self.chunk_weight = chunk_weight
        self.term_weight = term_weight
        self.spread_weight = spread_weight
        self.spread_center = spread_center
        self.unnamed_penalty = unnamed_penalty
        self.context_weight = context_weight
        self.context_weight_cross = context_weight_cross
        self.question_penalty = question_penalty
        self.headline_penalty = headline_penalty

    def score_sentences(
        self, question: str, query_vector: np.ndarray, docs: Sequence[Document], language: str = ""
    ) -> list[ScoredSentence]:
        sentences, vectors = embedded_sentences(docs, self.embeddings, self.cache)
        if not sentences:
            return []
        query = np.asarray(query_vector, dtype=np.float32)
        # The answer of an interview is read with the question asked on the line before it, which says what
        # it is about: its vector, its words and its context (the rest of its paragraph reads it so).
        asked_before = [
            i > 0 and answers_the_line_before(sentences[i - 1], sentences[i]) for i in range(len(sentences))
        ]
        if any(asked_before):
            paired = vectors.copy()
            for i in np.flatnonzero(asked_before):
                pair = vectors[i - 1] + vectors[i]
                paired[i] = pair / (np.linalg.norm(pair) or 1.0)
            vectors = np.where((paired @ query > vectors @ query)[:, None], paired, vectors)
        similarities = vectors @ query
        in_context = context_vectors(sentences, vectors) @ query
        question_terms = set(tokenize(question, query=True))
        # Across languages a name counts as shared when the sentence spells it otherwise ("Budanov" /
        # "Boudanov"); within one, near spellings are more often other names (PIAF: 7 answers lost, 4 won).
        # An acronym counts as shared by a sentence that writes it out ("BCE": "la Banque centrale européenne").
        names = [
            (set(tokenize(name, query=True)) & question_terms, words, entity_key(name) if name.isupper() else "")
            for name, words in named_in(question)
        ]
        chunk_scores = scores_by_language(docs)
        for i, (sentence, similarity, context) in enumerate(zip(sentences, similarities, in_context, strict=True)):
            overlap = 0.0
            if question_terms:
                read = f"{sentences[i - 1].text} {sentence.text}" if asked_before[i] else sentence.text
                shared = question_terms & set(tokenize(read))
                unshared = [name for name in names if name[1] and not name[0] <= shared]
                if unshared:
                    across = bool(language) and crosses(language, sentence.chunk.metadata.get("language", ""))
                    folded = text_words(sentence.text) if across else None
                    written_out = spelled_out(sentence.text) if any(name[2] for name in unshared) else set()
                    for terms, words, acronym in unshared:
                        if (folded is not None and spells(folded, words)) or (acronym and acronym in written_out):
                            shared |= terms
                overlap = len(shared) / len(question_terms)
            sentence.similarity = float(similarity)
            sentence.score = (
                float(similarity) + self.chunk_weight * chunk_scores[id(sentence.chunk)] + self.term_weight * overlap
            )
            across = bool(language) and crosses(language, sentence.chunk.metadata.get("language", ""))
            weight = self.context_weight_cross if across else self.context_weight
            # Ranked by how far above its own bar: e5 rates a sentence in the question's language higher
            # than one in another (the bars are 0.04 apart), and a French question whose answer was in an
            # English article got the French article's nearest sentences instead.
            lift = self.min_score - self.min_score_cross if across else 0.0
            sentence.rank = sentence.score + lift + weight * (float(context) - float(similarity))
            if asks(sentence.text):
                sentence.rank -= self.question_penalty
            if sentence.headline:
                sentence.rank -= self.headline_penalty
        # The same sentence can sit in two overlapping chunks: keep the copy best read in its context,
        # with the best score of any copy (the one that says whether to answer).
        best: dict[tuple[str, int], ScoredSentence] = {}
        scores: dict[tuple[str, int], float] = {}
        for sentence in sentences:
            key = (sentence.chunk.metadata.get("doc_id", ""), sentence.start)
            scores[key] = max(scores.get(key, sentence.score), sentence.score)
            if key not in best or sentence.rank > best[key].rank:
                best[key] = sentence
        for key, sentence in best.items():
            sentence.score = scores[key]
        return sorted(best.values(), key=lambda s: -s.rank)

    def discount_unnamed(
        self, question: str, docs: Sequence[Document], scored: list[ScoredSentence]
    ) -> list[ScoredSentence]:
        """``scored``, re-sorted after taking ``unnamed_penalty`` off the sentences of articles that
        mention none of the question's names (``absent_names`` asked of each article's passages).

        Only the articles of sentences that ``select`` could still take (within ``margin`` of the best)
        are asked, until those all are: an article may need its entity names embedded (the first time
        they are seen), and asking every retrieved article made a fresh index's answers 3x slower at p95.
        """
        if not scored or not self.unnamed_penalty or not question_names(question):
            return scored
        by_article: dict[str, list[Document]] = {}
        for doc in docs:
            by_article.setdefault(doc.metadata.get("doc_id", ""), []).append(doc)
        if len(by_article) < 2:  # the one article names them: ``answer`` checked all passages first
            return scored
        asked: set[str] = set()
        while True:
            top = scored[0].rank
            contenders = {s.chunk.metadata.get("doc_id", "") for s in scored if s.rank >= top - self.margin}
            if contenders <= asked:
                return scored
            for doc_id in contenders - asked:
                asked.add(doc_id)
                if absent_names(question, by_article.get(doc_id, []), self.embeddings, self.cache):
                    for sentence in scored:
                        if sentence.chunk.metadata.get("doc_id", "") == doc_id:
                            sentence.score -= self.unnamed_penalty
                            sentence.rank -= self.unnamed_penalty
            scored = sorted(scored, key=lambda s: -s.rank)

    def threshold(self, question_language: str, passage_language: str, spread: float | None = None) -> float:
        # e5 similarities run higher between texts of one language than across two, so a question and
        # a passage in different languages need less to count as an answer.
        base = self.min_score_cross if crosses(question_language, passage_language) else self.min_score
        # A question that stands out in the corpus (its nearest chunk well above the rest: the retriever's
        # ``dense_spread``) needs a little less; one that sits as close to everything needs more.
        if spread is None:
            return base
        return base - self.spread_weight * (spread - self.spread_center)

    def clears(self, sentence: ScoredSentence, language: str, slack: float = 0.0) -> bool:
        """Whether the sentence is close enough to the question to answer it, at the threshold of its own
        language pair: an English sentence near the bar does not refuse a French one above its own."""
        metadata = sentence.chunk.metadata
        bar = self.threshold(language, metadata.get("language", ""), metadata.get("dense_spread"))
        return sentence.score >= bar - slack

    def select_list(
        self, scored: list[ScoredSentence], language: str = "en", near_bar: bool = True
    ) -> list[ScoredSentence]:
        """``select`` for a question asking for a list ("What weapons were mentioned?"): the answer's
        sentences, then each other article's best sentence within the margin and near the bar
        (``LIST_SLACK`` under it at most, ``LIST_SLACK_OUT`` when it stands out of its article's others; anywhere
        without ``near_bar``), up to ``LIST_SENTENCES``. Two sentences left out the drones and missiles of a second
        article on the war: each alone scores under a sentence that names the topic."""
        chosen = self.select(scored, language)
        if not chosen:
            return []
        top = max(s.rank for s in chosen)
        said = [_words(s.text) for s in chosen]
        quoted = {s.chunk.metadata.get("doc_id", "") for s in chosen}
        standing_out = articles_standing_out(scored)
        candidates = [
            s
            for s in scored
            if s not in chosen
            and s.rank >= top - self.margin
            and (
                not near_bar
                or self.clears(s, language, slack=LIST_SLACK)
                or (
                    s is standing_out.get(s.chunk.metadata.get("doc_id", ""))
                    and self.clears(s, language, slack=LIST_SLACK_OUT)
                )
            )
        ]
        best_of_others: dict[str, ScoredSentence] = {}
        for sentence in candidates:  # best first
            best_of_others.setdefault(sentence.chunk.metadata.get("doc_id", ""), sentence)
        # Only other articles': more of an article already quoted were sentences on the topic, not items.
        for sentence in [s for doc_id, s in best_of_others.items() if doc_id not in quoted]:
            if len(chosen) >= LIST_SENTENCES:
                break
            _add_unless_said(sentence, chosen, said)
        return chosen

    def select(self, scored: list[ScoredSentence], language: str = "en") -> list[ScoredSentence]:
        clearing = next((s for s in scored if self.clears(s, language)), None)
        if clearing is None:
            return []
        # A sentence ranked above the one that clears the bar may open the answer when it is read better in
        # its context, in the same language pair; not one held to another bar and under it (an English
        # sentence under the bar of one language, beside a French one above the cross-language bar, was
        # quoted first, and the question asked of its own article was refused).
        # Nor does this hold back a sentence saying nobody died in the story asked about (``none_counted_first``):
        # worded far from any toll question, "No deaths were reported." scored 0.836 asked in French, and the
        # French article's sentences above the bar of one language left it out for the people evacuated.
        pair = crosses(language, clearing.chunk.metadata.get("language", ""))
        scored = [
            s
            for s in scored
            if s.rank <= clearing.rank
            or self.clears(s, language)
            or crosses(language, s.chunk.metadata.get("language", "")) == pair
            or s.none_counted
        ]
        top = scored[0].rank
        chosen: list[ScoredSentence] = []
        said: list[str] = []
        for sentence in scored:
            margin = self.margin if len(chosen) < 2 else self.further_margin
            if len(chosen) == self.max_sentences or sentence.rank < top - margin:
                break
            _add_unless_said(sentence, chosen, said)
        return chosen

    def counted_noun_matcher(self, expected: Expected, texts: Sequence[str]):
        """``same_thing`` for ``carries``: the counted noun among the words after a number, inflected,
        spelled nearly, or its translation for the model ("weeks" / "semaines"). Only asked when every
        number of a sentence is a date, a duration or a sum; the candidate words of all the sentences are
        then embedded in one batch."""
        similar: set[str] | None = None

        def same_thing(noun: str, candidates: Sequence[str]) -> bool:
            nonlocal similar
            if same_stem(noun, candidates) or near_spelling(noun, [w for w in candidates if len(w) >= 4]):
                return True
            if similar is None:
                words = counted_candidates(expected, texts)
                asked = np.asarray(self.embeddings.embed_queries([noun])[0], dtype=np.float32)
                vectors = passage_vectors(self.embeddings, self.cache, words)
                similar = {
                    w
                    for w, v in zip(words, np.asarray(vectors, dtype=np.float32) @ asked, strict=True)
                    if v >= COUNTED_SIMILARITY
                }
            return any(w in similar for w in candidates)

        return same_thing

    def continues_with_subject(self, question: str, query_vector: np.ndarray) -> bool:
        """Whether the question is a continuation with a subject of its own ("And wages?") searched with the
        earlier question (``chain.query_vector`` blends them), not asked alone."""
        if new_subject(question) is None:
            return False
        alone = self.embeddings.embed_queries([question])[0]
        return float(np.dot(alone, query_vector)) <= 0.9999

    def without_borrowed_bonus(self, scored: list[ScoredSentence], docs: Sequence[Document]) -> list[ScoredSentence]:
        """``scored`` re-ordered without the chunks' retrieval bonus, for a continuation with a subject of its own:
        retrieval ranked the chunks by the earlier question's words (BM25 reads no English word in a French
        article), so the bonus was the earlier topic's, and "And growth?" after the inflation rate quoted the
        inflation lead over the sentence on growth. Its score, which decides whether to answer, keeps the bonus."""
        chunk_scores = scores_by_language(docs)
        for sentence in scored:
            sentence.rank -= self.chunk_weight * (chunk_scores[id(sentence.chunk)] - 1.0)
        return sorted(scored, key=lambda s: -s.rank)

    def answers_alone(
        self,
        question: str,
        query_vector: np.ndarray,
        docs: Sequence[Document],
        language: str,
        chosen: Sequence[ScoredSentence],
    ) -> bool:
        """Whether a continuation with a subject of its own ("Et le déficit public ?") is answered as
        asked, without the earlier question, by one of the sentences chosen. Searched with it
        (``chain.query_vector``), its nearest sentences were the earlier answer's, near enough to clear
        the bar, and were quoted as answering "the public deficit" in an article that never mentions it.
        Any other question: True."""
        if new_subject(question) is None:
            return True
        alone = self.embeddings.embed_queries([question])[0]
        if float(np.dot(alone, query_vector)) > 0.9999:  # asked without history: already scored so
            return True
        keys = {(s.chunk.metadata.get("doc_id", ""), s.start) for s in chosen}
        return any(
            self.clears(s, language)
            for s in self.score_sentences(question, alone, docs, language)
            if (s.chunk.metadata.get("doc_id", ""), s.start) in keys
        )

    def answer(self, question: str, query_vector: np.ndarray, docs: Sequence[Document], language: str = "en") -> Answer:
        absent = (
            absent_names(question, docs, self.embeddings, self.cache)
            or absent_years(question, docs)
            or absent_speaker(question, docs, self.embeddings, self.cache)
        )
        if absent:
            return Answer(
                text=not_answered_text(language, absent), question=question, answered=False, answerer=self.name
            )
        # Passages are in the question's language or across from it by the language it is written in, not
        # the one it is replied in (English for a German question).
        asked_in = written_in(question, language)
        scored = every = self.score_sentences(question, query_vector, docs, asked_in)
        if self.continues_with_subject(question, query_vector):
            scored = every = self.without_borrowed_bonus(scored, docs)
        expected = expected_answer(question)
        if expected is not None:
            # "How much did Russia pay?" is not answered by "...depuis environ six semaines": only sentences
            # that can hold the number asked for are candidates (answer_types.py).
            same_thing = self.counted_noun_matcher(expected, [s.text for s in scored])
            scored = [s for s in scored if carries(expected, s.text, same_thing)]
            toll = toll_asked(question) if expected.kind == "count" else ""
            if expected.kind == "count" and scored and not toll:
                # Not for a toll: "people" in "How many people died?" counts the dead, and "25 000 personnes
                # sans abri" came second.
                scored = counted_noun_first(expected, scored, same_thing, asked_in)
            if scored and toll:
                scored = none_counted_first(toll, scored, self.margin)
        scored = self.discount_unnamed(question, docs, scored)
        if not asks_whether(question):
            scored = without_names_apart([*question_names(question), *years_in(question)], docs, scored)
        scored = prefer_source(scored, asked_source(question))
        days = dates_asked(question)
        if days:
            # "the death toll on February 5": the article published that day leads, over the one of the 3rd.
            for sentence in scored:
                if published_on(sentence, days):
                    sentence.rank += DATE_BOOST
            scored = sorted(scored, key=lambda s: -s.rank)
        if asks_about_future(question):
            # "Quand aura lieu la prochaine réunion ?": the sentence that names a later day than its article's
            # ("prévue le 18 mars") over the dateline lead, which tells what happened (dates.py).
            for sentence in scored:
                if names_future_time(sentence.text, str(sentence.chunk.metadata.get("published") or "")):
                    sentence.rank += FUTURE_BOOST
            scored = sorted(scored, key=lambda s: -s.rank)
        if asks_whether_they_agree(question):
            # The answer is each article's account: another article's figure, worded further from the
            # question than the best one, is still what the question asks for (within the margin).
            chosen = self.select_list(scored, asked_in, near_bar=False)
        else:
            chosen = (self.select_list if asks_for_list(question) else self.select)(scored, asked_in)
        if days and asks_for_day_events(question):
            chosen = that_day_first(scored, days, chosen)
        if chosen and not self.answers_alone(question, query_vector, docs, asked_in, chosen):
            chosen = []
        if not chosen:
            # Named only when no passage has such a number at all, not when one has it but scores too low.
            text = no_number_text(language, expected) if expected and not scored else not_answered_text(language)
            return Answer(text=text, question=question, answered=False, answerer=self.name)
        # Quote one article's sentences that follow each other in reading order when each leans on the one
        # before it ("Il a ajouté..."), which names what it leaves out. Others stay best first: sorted by place,
        # an article's dateline lead came before the one that answers, and so did a sentence of the answer's
        # paragraph ("Who called the earthquake the worst event in 100 years?" opened on the president's words,
        # the UN chief's that it quotes second).
        if len({s.chunk.metadata.get("doc_id") for s in chosen}) == 1:
            in_order = sorted(chosen, key=lambda s: s.start)
            if all(
                b.start - a.end <= ADJACENT_GAP and _LEANS_BACK.match(b.text)
                for a, b in zip(in_order, in_order[1:], strict=False)
            ):
                chosen = in_order
        if _LATEST.search(question):
            chosen = newest_first(chosen)
        if days:
            chosen = sorted(chosen, key=lambda s: not published_on(s, days))  # stable: the rest keep their order
        chosen = with_lists(with_speakers(chosen, every), every)
        citations = [citation_for(marker, s) for marker, s in enumerate(chosen, start=1)]
        text = " ".join(f"{c.quote} [{c.marker}]" for c in citations)
        return Answer(text=text, citations=citations, question=question, answered=True, answerer=self.name)


# A sentence splitter sometimes leaves the opening quote of the next sentence at the end of this one
# ("... éternel. «"), or a closing one at its start: a quote reads better without them.
_DANGLING_END = "«“‘([{ \t"
_DANGLING_START = "»”’)]} \t"
# A quotation's opening and closing marks, and the closing one after the spaces that may stand before it.
_QUOTATION_PAIRS = tuple(
    (opening, closing, re.compile(rf"[ \t\u00a0\u202f]*{closing}")) for opening, closing in (("«", "»"), ("“", "”"))
)


# A Markdown heading's, list item's or quotation's marks are layout, not words of the sentence ("# Title",
# "- item", "> « ... »", "1. item"; "#MeToo" keeps its "#"), at the start of a line.
_HEADING_MARKS = re.compile(r"(?:(?:#{1,6}|>|[-*+•]|\d{1,2}[.)])[ \t]+)+")
_LIST_MARK = re.compile(r"\s*(?:[-*+•]|\d{1,2}[.)])[ \t]+$")


_WORD = re.compile(r"\w+")
# A sentence that adds at most this many words to one already quoted says nothing new.
REPEAT_EXTRA_WORDS = 3


def _words(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))


def repeats(words: str, quoted: str) -> bool:
    """Whether a sentence (its ``words``, from ``_words``) repeats one already quoted: the same words, the
    quoted one's words inside it with at most ``REPEAT_EXTRA_WORDS`` more, or its words inside the
    quoted one's. Copies of a fact under a dateline or an index ("152.67 -- After missing last week's
    game, ..." beside "-- After missing last week's game, ...") are then quoted once.
    """
    shorter, longer = sorted((words, quoted), key=len)
    if f" {shorter} " not in f" {longer} ":
        return False
    return longer == quoted or longer.count(" ") - shorter.count(" ") <= REPEAT_EXTRA_WORDS


# A statement that ends on a short question of its own: "...will be approved next week, and almost nobody
# seems to be asking the obvious question: why?", "Il a marqué 24 points, non ?".
_TAG_QUESTION = re.compile(
    r"(?P<head>.*[^?？])(?:(?::|\s[—–-])\s*(?P<tail>[^:—–?？]*)|,\s*(?:non|hein|right|no|n['’]est-ce pas|"
    r"isn['’]t (?:it|that)|don['’]t you think))\s*[?？]$",
    re.S | re.I,
)


def asks(text: str) -> bool:
    """Whether a sentence is a question (its closing quotation marks and brackets aside), not a statement
    that ends on a short rhetorical one (the lead of a column, the answer's best sentence, sank under it)."""
    text = text.rstrip(' \t»"”’)]')
    if not text.endswith(("?", "？")):
        return False
    tagged = _TAG_QUESTION.fullmatch(text)
    return not (
        tagged
        and len((tagged["tail"] or "").split()) <= 3
        and len(tagged["head"].split()) >= 8
        and not asks(tagged["head"])
    )


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    while end > start and text[end - 1] in _DANGLING_END:
        end -= 1
    while start < end and text[start] in _DANGLING_START:
        start += 1
    # The splitter ends a quoted sentence before its closing mark ("« Ce câble est stratégique." then "»"):
    # a quote that opens a quotation takes its closing mark back.
    for opening, closing, closing_after in _QUOTATION_PAIRS:
        if text.count(opening, start, end) > text.count(closing, start, end):
            if after := closing_after.match(text, end):
                end = after.end()
    heading = _HEADING_MARKS.match(text, start, end) if start == 0 or text[start - 1] == "\n" else None
    return (heading.end() if heading else start), end


def quotable(text: str) -> bool:
    # A rule ("---", "* * *") has no words: embedded, it sits close to everything and would pass for an answer.
    return (
        len(text.strip()) >= 3
        and _WORD.search(text) is not None
        and not METADATA_LINE.match(text)
        and not text.startswith("|")
    )  # a Markdown table's row


def headline(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is a line of its own without closing punctuation: a title, a
    subheading. A list item is not one ("- 780 000 foyers privés d'électricité" states a fact)."""
    if text[start:end].rstrip(' \t»"”’)]').endswith((".", "!", "?", "…", ":", ";", "？", "。")):
        return False
    if _WORD.search(_line_before(text, start)) or list_item(text, start):
        return False
    line_end = text.find("\n", end)
    return _WORD.search(text[end : len(text) if line_end < 0 else line_end]) is None


# Words whose speaker is only a pronoun: '"The ministry is hiding ...," she said.', "« ... », a-t-il ajouté.",
# "Il a affirmé que ...", "selon elle". The sentence before names who.
_PRONOUN_SPEAKER = re.compile(
    r"\b(?:he|she|they)\s+(?:had\s+|has\s+|also\s+)?(?:said|says|added|adds|told|explained|warned|insisted|noted|"
    r"argued|wrote|continued|stressed|claimed|replied|declared)\b|\b(?:said|added|says)\s+(?:he|she)\b|"
    r"\b[\wàâéèêîôûç]+-t-(?:il|elle)\b|\b(?:dit|ajoute|déclare|affirme|explique|estime|précise|assure|souligne|"
    r"poursuit|insiste|lance)-(?:il|elle|ils|elles)\b|\b(?:il|elle|ils|elles)\s+(?:a|ont|avait)\s+(?:aussi\s+)?"
    r"(?:dit|déclaré|ajouté|affirmé|expliqué|précisé|estimé|assuré|souligné|indiqué|lancé|averti)\b|"
    r"\bselon\s+(?:lui|elle|eux|elles)\b",
    re.I,
)
# How many sentences back the speaker is looked for ("« ... », a-t-il dit. « ... », a-t-il ajouté.").
SPEAKER_LOOKBACK = 2


def with_speakers(chosen: list[ScoredSentence], scored: Sequence[ScoredSentence]) -> list[ScoredSentence]:
    """``chosen``, each quotation whose speaker is only a pronoun ('"...," she said.') preceded by the sentences
    of its article just before it, up to the one that does not leave its speaker to a pronoun (at most
    ``SPEAKER_LOOKBACK``): asked "Who said the ministry is hiding the scale of the disaster?", the answer
    quoted '"The ministry is hiding the scale of this disaster," she said.' and never said who she is."""
    out: list[ScoredSentence] = []
    for sentence in chosen:
        before: list[ScoredSentence] = []
        current = sentence
        while _PRONOUN_SPEAKER.search(current.text) and len(before) < SPEAKER_LOOKBACK:
            previous = _sentence_before(current, scored)
            if previous is None:
                break
            before.insert(0, previous)
            current = previous
        for quoted in (*before, sentence):
            if not any(quoted is other or _same_place(quoted, other) for other in out):
                out.append(quoted)
    return out


def _same_place(a: ScoredSentence, b: ScoredSentence) -> bool:
    return a.chunk.metadata.get("doc_id") == b.chunk.metadata.get("doc_id") and a.start == b.start


def _sentence_before(sentence: ScoredSentence, scored: Sequence[ScoredSentence]) -> ScoredSentence | None:
    """The sentence of the same article that ends just before ``sentence`` starts (a space or a paragraph
    break between them), among those scored."""
    doc_id = sentence.chunk.metadata.get("doc_id")
    for other in scored:
        if (
            other.chunk.metadata.get("doc_id") == doc_id
            and other.end <= sentence.start
            and sentence.start - other.end <= ADJACENT_GAP
            and not other.headline
        ):
            return other
    return None


def with_lists(chosen: list[ScoredSentence], scored: Sequence[ScoredSentence]) -> list[ScoredSentence]:
    """``chosen``, each sentence that announces a list followed by the list's items (once each)."""
    out: list[ScoredSentence] = []
    for sentence in chosen:
        for quoted in (sentence, *list_after(sentence, scored)):
            if not any(quoted is other for other in out):
                out.append(quoted)
    return out


def list_item(text: str, start: int) -> bool:
    return _LIST_MARK.match(_line_before(text, start)) is not None


def _line_before(text: str, start: int) -> str:
    """What its line holds before ``text[start:]``: a list's or a heading's mark, words, or nothing."""
    return text[text.rfind("\n", 0, start) + 1 : start]


def list_after(lead: ScoredSentence, sentences: Sequence[ScoredSentence]) -> list[ScoredSentence]:
    """The items of the list that ``lead`` announces ("The regulation forbids: - social scoring; - ..."):
    the list items that follow it in its passage, one after the other, with nothing else between."""
    if not lead.text.rstrip().endswith(":"):
        return []
    text, offset = lead.chunk.page_content, int(lead.chunk.metadata.get("start", 0))
    following = sorted((s for s in sentences if s.chunk is lead.chunk and s.start >= lead.end), key=lambda s: s.start)
    items: list[ScoredSentence] = []
    end = lead.end
    for sentence in following:
        between = text[end - offset : sentence.start - offset]
        if not sentence.list_item or "\n" not in between or _WORD.search(between):
            break
        items.append(sentence)
        end = sentence.end
        if len(items) == LIST_ITEMS_QUOTED:
            break
    return items


def scores_by_language(docs: Sequence[Document]) -> dict[int, float]:
    """Each chunk's retrieval score (best candidate 1) over the best of its own language's: BM25 matches
    no word across languages, so beside an English article the French one that answers an English
    question ranks lower whatever it says, and its sentences lost the bonus the refusal threshold counts on."""

    def score(doc: Document) -> float:
        return float(doc.metadata.get("score", 0.0))

    best: dict[str, float] = {}
    for doc in docs:
        language = doc.metadata.get("language", "")
        best[language] = max(best.get(language, 0.0), score(doc))
    relative = {}
    for doc in docs:
        top = best[doc.metadata.get("language", "")]
        # A language whose best passage is the worst candidate (scored 0: two articles, one per language)
        # still has a best passage, with the full bonus.
        relative[id(doc)] = score(doc) / top if top > 0 else 1.0
    return relative


def counted_noun_first(
    expected: Expected, scored: list[ScoredSentence], same_thing: SameThing, language: str
) -> list[ScoredSentence]:
    """``scored`` re-sorted after ``COUNTED_NOUN_BOOST`` is added to the rank of the sentences in another language
    than the question (``language``) whose number is followed by the noun it counts (``names_counted``)."""
    for sentence in scored:
        # Not a headline: it restates the count that the article's sentences give (lifted, "... : 412 emplois
        # supprimés" came second in an answer to "Tell me more").
        if (
            not sentence.headline
            and crosses(language, sentence.chunk.metadata.get("language", ""))
            and names_counted(expected, sentence.text, same_thing)
        ):
            sentence.rank += COUNTED_NOUN_BOOST
    return sorted(scored, key=lambda s: -s.rank)


def none_counted_first(toll: str, scored: list[ScoredSentence], margin: float) -> list[ScoredSentence]:
    """``scored`` re-sorted after ``NONE_COUNTED_BOOST`` is added to the rank of the sentences that say nobody
    counts in the toll asked ("No deaths were reported."), in the articles the question is about (one of
    their sentences within ``margin`` of the best): the toll when there is none, worded far from "How many
    people died in the Chimex fire?", under the dateline lead that names the fire. Another story's "No
    deaths were reported." does not say how many attackers were killed in this one."""
    top = scored[0].rank
    story = {s.chunk.metadata.get("doc_id", "") for s in scored if s.rank >= top - margin}
    for sentence in scored:
        if sentence.chunk.metadata.get("doc_id", "") in story and says_none_of(toll, sentence.text):
            sentence.rank += NONE_COUNTED_BOOST
            sentence.none_counted = True
    return sorted(scored, key=lambda s: -s.rank)


def embedded_sentences(
    docs: Sequence[Document], embeddings: ModelEmbeddings, cache: EmbeddingCache | None
) -> tuple[list[ScoredSentence], np.ndarray]:
    """The quotable sentences of the chunks (unscored) and their vectors: that of each sentence as the
    indexer cut it, the text the embedding cache knows."""
    pairs = [pair for doc in docs for pair in quotable_sentences(doc)]
    if not pairs:
        return [], np.zeros((0, embeddings.dim), np.float32)
    vectors = passage_vectors(embeddings, cache, [cut for _, cut in pairs])
    return [sentence for sentence, _ in pairs], np.asarray(vectors, dtype=np.float32)


def quotable_sentences(doc: Document) -> list[tuple[ScoredSentence, str]]:
    """The chunk's quotable sentences (unscored), each with its text as the indexer cut it. A quote is trimmed
    of dangling quotation marks and brackets."""
    offset = doc.metadata["start"]
    found: list[tuple[ScoredSentence, str]] = []
    for start, end in stored_sentences(doc):
        quote_start, quote_end = trim_span(doc.page_content, start - offset, end - offset)
        text = doc.page_content[quote_start:quote_end]
        if quotable(text):
            sentence = ScoredSentence(
                doc,
                quote_start + offset,
                quote_end + offset,
                text,
                0.0,
                0.0,
                headline=headline(doc.page_content, quote_start, quote_end),
                list_item=list_item(doc.page_content, quote_start),
            )
            found.append((sentence, doc.page_content[start - offset : end - offset]))
    return found


def context_vectors(sentences: Sequence[ScoredSentence], vectors: np.ndarray) -> np.ndarray:
    """Each sentence's vector averaged with those of the sentences before and after it in its paragraph,
    normalised: the sentence as read in its context. A headline or a one-sentence paragraph is its own
    context: read with the lead, a headline is as near every question on the story as an answer."""
    context = vectors.copy()
    for i, sentence in enumerate(sentences):
        for j in (i - 1, i + 1):
            if 0 <= j < len(sentences) and same_paragraph(sentence, sentences[j]):
                context[i] += vectors[j]
    norms = np.linalg.norm(context, axis=1, keepdims=True)
    return context / np.where(norms > 0, norms, 1.0)


def answers_the_line_before(before: ScoredSentence, sentence: ScoredSentence) -> bool:
    """Whether a paragraph's first sentence answers a question asked alone on the line before it, as in an
    interview ("Combien de services sont concernés ?" / "Trois sur sept : Sarlat, Nontron et Ribérac."):
    read alone, the answer names nothing the question asks about, and one of five questions on an
    interview was answered (a reviewer)."""
    if before.chunk is not sentence.chunk or not asks(before.text):
        return False
    text, offset = before.chunk.page_content, int(before.chunk.metadata.get("start", 0))
    between = text[before.end - offset : sentence.start - offset]
    line_start = text.rfind("\n", 0, before.start - offset) + 1
    return "\n" in between and not between.strip() and not text[line_start : before.start - offset].strip()


def _add_unless_said(sentence: ScoredSentence, chosen: list[ScoredSentence], said: list[str]) -> None:
    # The same sentence in two articles (a wire story run twice, a copy kept under another name) is said
    # once: the next best sentence is worth more than a repetition.
    words = _words(sentence.text)
    if words and not any(repeats(words, other) for other in said):
        said.append(words)
        chosen.append(sentence)


# "What weapons were mentioned?", "Quelles armes ont été citées ?": the answer is every passage that names
# one, not the two best. Not "List the measles figures": asked so, the list's items were any sentence near
# the bar (a reviewer got anti-tank missiles).
_LIST_QUESTION = re.compile(
    r"\b(?:what|which)\s+(?:[\w-]+\s+){1,3}(?:were|are|have been|has been)\s+(?:mentioned|cited|named|listed|"
    r"quoted|discussed|referred to)\b|\bquel(?:le)?s\s+(?:[\w-]+\s+){1,3}(?:ont été|sont)\s+"
    r"(?:mentionn|cit|évoqu|nomm|list)ée?s?\b",
    re.I,
)
LIST_SENTENCES = 5
# How far under its bar a further item may score: each names one thing of the list, less like the
# question than a sentence on the topic ("63 Shahed drones and two Iskander-M ballistic missiles" 0.919
# for "What weapons were mentioned?", at a bar of 0.925).
LIST_SLACK = 0.01
# Further under its bar, an article's best sentence when it stands out of the article's others by ``LIST_STANDOUT``:
# an item is one sentence of its article ("Germany will send Ukraine three more Patriot air-defence batteries and a
# further batch of IRIS-T missiles", 0.912 against a bar of 0.925, its article's next 0.873), where a sentence merely
# on the topic has neighbours as near ("« Les salariés demandent ... », a affirmé Éric Sellini" for "Which coaches
# were quoted?", 0.869, the next 0.853).
LIST_SLACK_OUT = 0.03
LIST_STANDOUT = 0.025


def articles_standing_out(scored: Sequence[ScoredSentence]) -> dict[str, ScoredSentence]:
    """Each article's best sentence (by score) that scores ``LIST_STANDOUT`` above the article's next one."""
    by_article: dict[str, list[ScoredSentence]] = {}
    for sentence in scored:
        by_article.setdefault(sentence.chunk.metadata.get("doc_id", ""), []).append(sentence)
    out: dict[str, ScoredSentence] = {}
    for doc_id, sentences in by_article.items():
        ranked = sorted(sentences, key=lambda s: -s.score)
        if len(ranked) > 1 and ranked[0].score - ranked[1].score >= LIST_STANDOUT:
            out[doc_id] = ranked[0]
    return out


def asks_for_list(question: str) -> bool:
    return bool(_LIST_QUESTION.search(question)) or asks_for_day_events(question)


# "How many soldiers were killed according to the defence ministry?", "Combien ... selon la préfecture ?",
# "Et selon le maire ?": the source whose figure or words are asked for.
_ACCORDING_TO = re.compile(r"\b(?:according to|as reported by|selon|d['’]après)\s+(?P<source>[^?,;.!]+)", re.I)
# Titles a source is named by that English and French spell too differently for a near spelling ("ministry" /
# "ministère" is one; "mayor" / "maire" is not).
_SOURCE_ALIASES = [
    ("mayor", "maire"),
    ("prefect", "prefecture", "prefet", "prefete"),
    ("prosecutor", "prosecutors", "procureur", "parquet"),
    ("firefighters", "pompiers"),
    ("union", "unions", "syndicat", "syndicats"),
    ("court", "tribunal", "cour"),
    ("government", "gouvernement", "executif"),
    ("company", "entreprise", "societe", "groupe"),
]
# Taken off the rank (not the score) of a sentence that does not name the source a question asks about, when
# another candidate does: asked how many soldiers were killed "according to the defence ministry", the answer
# quoted a monitoring group's 300 second, as the ministry's, and left out the ministry's revised toll. Rank
# only: whether to answer is unchanged.
SOURCE_PENALTY = 0.05


def asked_source(question: str) -> list[str]:
    """The folded words naming the source a question asks about ("according to the defence ministry":
    ["defence", "ministry"]), with their other language's titles; empty when it names none."""
    match = _ACCORDING_TO.search(question)
    if match is None:
        return []
    stop = stop_words(query=True)
    words = [w for w in _WORD.findall(fold(match["source"])) if w not in stop and not w.isdigit()]
    aliases = [alias for w in words for group in _SOURCE_ALIASES if w in group for alias in group]
    return list(dict.fromkeys(words + aliases))


def names_source(sentence: ScoredSentence, source: Sequence[str]) -> bool:
    return spells(text_words(sentence.text), source)


def prefer_source(scored: list[ScoredSentence], source: Sequence[str]) -> list[ScoredSentence]:
    """``scored``, re-sorted after ``SOURCE_PENALTY`` is taken off the rank of the sentences that do not
    name ``source``, when one of them does."""
    if not source or not any(names_source(s, source) for s in scored):
        return scored
    for sentence in scored:
        if not names_source(sentence, source):
            sentence.rank -= SOURCE_PENALTY
    return sorted(scored, key=lambda s: -s.rank)


# "Do the articles agree on the number of soldiers killed?", "Les articles sont-ils d'accord sur ... ?", "Do the
# figures differ?", "Y a-t-il des divergences sur ... ?": each article's account is the answer, as for a list.
_AGREEMENT_QUESTION = re.compile(
    r"\b(?:do|did|does|are|were)\s+(?:the\s+|all\s+(?:the\s+)?)?(?:articles|sources|reports|figures|accounts|"
    r"numbers|stories|outlets|tolls)\s+(?:all\s+)?(?:agree|differ|disagree|match|tally|contradict|conflict|"
    r"consistent|the same)\b|\b(?:articles|sources|chiffres|bilans|récits|médias|versions)\s+(?:sont-(?:ils|elles)\s+"
    r"(?:d['’]accord|cohérent|concordant|identiques|les mêmes)|concordent-(?:ils|elles)|divergent-(?:ils|elles)|"
    r"se contredisent-(?:ils|elles)|s['’]accordent-(?:ils|elles))|\b(?:y a-t-il|existe-t-il)\s+des\s+"
    r"(?:divergences|contradictions|désaccords|écarts)\b|\b(?:is there|are there)\s+(?:any\s+)?"
    r"(?:disagreement|discrepanc(?:y|ies)|contradictions?|differences?)\b",
    re.I,
)


def asks_whether_they_agree(question: str) -> bool:
    """Whether the question asks if the articles agree on something: a single best sentence hides the
    article that says otherwise ("Do the articles agree on how many firefighters were mobilised?" quoted 120
    firefighters, not the French article's eighty)."""
    return bool(_AGREEMENT_QUESTION.search(question))


# "What happened on June 8?", "Que s'est-il passé le 8 juin ?": a day's events, one per article, are the
# answer; the articles published that day are about it whatever words they use.
_DAY_EVENTS = re.compile(
    r"\b(?:what\s+(?:happened|happens|was\s+new|news)|what's\s+new|any\s+news|que\s+s['’]est[- ]il\s+passé|"
    r"qu['’]est-ce\s+qui\s+s['’]est\s+passé|quoi\s+de\s+neuf|quelles?\s+(?:nouvelles|événements?|actualités?))\b",
    re.I,
)
# What may be left of such a question once its phrase and dates are out.
_DAY_FILLER = re.compile(
    r"\b(?:on|in|at|during|the|of|that|this|day|le|la|les|en|au|du|de|ce|cette|jour|"
    r"journée|lors|pendant)\b|[\W_\d]+",
    re.I,
)


def asks_for_day_events(question: str) -> bool:
    """Whether the question asks only what happened on a day or in a month (nothing else named)."""
    match = _DAY_EVENTS.search(question)
    if match is None:  # most questions: their dates are not read for this
        return False
    spans = date_spans(question)
    if not spans:
        return False
    rest = list(question)
    for start, end in [match.span(), *spans]:
        rest[start:end] = " " * (end - start)
    return not _DAY_FILLER.sub("", "".join(rest)).strip()


# A question about the latest state of things: of two articles' figures ("142 morts" on 3 February, "417"
# on the 5th), the newer comes first; the older stays, second, as what it was.
_LATEST = re.compile(
    r"\b(?:latest|most recent|newest|current(?:ly)?|now|derni(?:er|ère)s?|plus récente?s?|"
    r"actuel(?:le)?s?|actuellement|aujourd'hui)\b",
    re.I,
)


# How much a sentence naming a time ahead of its article gains in rank, for a question on what is to come.
FUTURE_BOOST = 0.08
# How much a sentence of an article published on the day (or in the month) a question names gains in rank.
DATE_BOOST = 0.03


def published_on(sentence: ScoredSentence, keys: Sequence[str]) -> bool:
    published = str(sentence.chunk.metadata.get("published") or "")
    if len(published) < 10:
        return False
    return any(published.startswith(key) if not key.startswith("--") else published[4:] == key[1:] for key in keys)


def that_day_first(
    scored: list[ScoredSentence], days: Sequence[str], chosen: list[ScoredSentence]
) -> list[ScoredSentence]:
    """For "What happened on June 8?": the best sentence of each article published then, whether or not
    it clears the bar (nothing in the question but the day to be near), then the sentences chosen (those
    that name the day)."""
    best: dict[str, ScoredSentence] = {}
    for sentence in scored:  # best first
        if published_on(sentence, days):
            best.setdefault(sentence.chunk.metadata.get("doc_id", ""), sentence)
    that_day = list(best.values())
    return (that_day + [s for s in chosen if s not in that_day])[:LIST_SENTENCES]


def newest_first(chosen: list[ScoredSentence]) -> list[ScoredSentence]:
    """The sentences of the most recently published article first (each article's own order kept);
    undated articles after the dated ones."""
    dates = {str(s.chunk.metadata.get("published") or "") for s in chosen}
    if len(dates - {""}) < 2:
        return chosen
    # Sorted by date alone, each article's sentences keep their order.
    return newest_published_first(chosen, lambda s: str(s.chunk.metadata.get("published") or ""))


# A question answered yes or no ("Est-ce que Antoine Dupont jouera contre Clermont ?", "Did Veltrix shares
# rise?"): no question word leads it, an auxiliary or "est-ce que" does, or a French verb is inverted.
_WH_OPENING = re.compile(
    r"\s*(?:(?:in|on|at|for|from|to|by|with|of|à|de|en|dans|pour|par|depuis|sur|avec|jusqu['’]à)\s+)?"
    r"(?:what|which|who|whom|whose|when|where|why|how|quel|quelle|quels|quelles|qui|que|qu['’]|quoi|quand|"
    r"où|comment|combien|pourquoi|lequel|laquelle|lesquels|lesquelles)\b",
    re.I,
)
_WHETHER = re.compile(
    r"\s*(?:is|are|was|were|do|does|did|will|would|can|could|has|have|had|should|est-ce que|est-ce qu['’])\b"
    r"|\w-t-(?:il|elle|on|ils|elles)\b|\w-(?:il|elle|on|ils|elles)\b",
    re.I,
)


def asks_whether(question: str) -> bool:
    """Whether the question is answered yes or no: its answer may be read from two sentences apart."""
    return not _WH_OPENING.match(question) and bool(_WHETHER.match(question) or _WHETHER.search(question))


def paragraph_of(sentence: ScoredSentence) -> str:
    """The sentence's paragraph, as far as its chunk holds it."""
    text, offset = sentence.chunk.page_content, int(sentence.chunk.metadata.get("start", 0))
    first = text.rfind("\n", 0, sentence.start - offset) + 1
    last = text.find("\n", sentence.end - offset)
    return text[first : last if last >= 0 else len(text)]


# A question asking for one fact names two things ("Thomas Ramos", "Clermont"; "Patrice Talon", "2021"); more,
# and it joins several facts, which its articles may tell paragraphs apart: at three, five of MultiHop-RAG's
# answerable questions (naming their sources) and one of PIAF's were refused.
MOST_DETAILS_APART = 2


def lead_paragraphs(docs: Sequence[Document]) -> dict[str, str]:
    """Each article's first paragraph (its headline and byline left out), where a retrieved chunk opens it."""
    leads: dict[str, str] = {}
    for doc in docs:
        doc_id = doc.metadata.get("doc_id", "")
        if doc_id in leads or int(doc.metadata.get("start", 0)) != 0:
            continue
        first = next((s for s, _ in quotable_sentences(doc) if not s.headline), None)
        if first is not None:
            leads[doc_id] = paragraph_of(first)
    return leads


def without_names_apart(
    names: Sequence[str], docs: Sequence[Document], scored: list[ScoredSentence]
) -> list[ScoredSentence]:
    """``scored`` less the sentences whose article names one of the question's ``names`` (and years; two or
    more in all) elsewhere than in the sentence's paragraph, its title or its lead (the story's frame: "the
    group's figure" is Kessar Watch's, named in the lead): the neighbouring fact. "How many
    points did Thomas Ramos score against Clermont?" was answered with his points against La Rochelle,
    Clermont being the next match, named at the article's end; "Quel score a fait Patrice Talon en 2021 ?"
    with the 2026 turnout, compared with 2021's a paragraph away. One name alone is left to the article:
    "il" or "elle" often stands for it a paragraph later; more than ``MOST_DETAILS_APART`` make a question
    that joins facts (MultiHop-RAG's, whose answerable questions were refused 0.037 -> 0.252 without that
    bound, the lead and the condition below)."""
    if not 2 <= len(names) <= MOST_DETAILS_APART or not scored:
        return scored
    articles: dict[str, str] = {}
    for doc in docs:
        doc_id = doc.metadata.get("doc_id", "")
        articles[doc_id] = f"{articles.get(doc_id, doc.metadata.get('title', ''))}\n{doc.page_content}"
    named = {doc_id: mentioned_in(names, text) for doc_id, text in articles.items()}
    leads = lead_paragraphs(docs)
    kept = []
    for sentence in scored:
        doc_id = sentence.chunk.metadata.get("doc_id", "")
        in_article = named.get(doc_id, [])
        window = f"{sentence.chunk.metadata.get('title', '')}\n{leads.get(doc_id, '')}\n{paragraph_of(sentence)}"
        # About one of the details, while its article names another elsewhere: a neighbouring fact. A sentence
        # about none is left to the other checks (a question joining several articles' facts names their
        # sources, which their articles write anywhere).
        near = mentioned_in(in_article, window)
        if not near or len(near) == len(in_article):
            kept.append(sentence)
    return kept


def same_paragraph(a: ScoredSentence, b: ScoredSentence) -> bool:
    if a.chunk is not b.chunk:
        return False
    first, second = (a, b) if a.start < b.start else (b, a)
    offset = int(a.chunk.metadata.get("start", 0))
    return "\n" not in a.chunk.page_content[first.end - offset : second.start - offset]


def citation_for(marker: int, sentence: ScoredSentence) -> Citation:
    meta = sentence.chunk.metadata
    return Citation(
        marker=marker,
        source=str(meta.get("source", "")),
        title=str(meta.get("title", "")),
        quote=sentence.text,
        start=sentence.start,
        end=sentence.end,
        score=round(sentence.score, 4),
        chunk_id=str(meta.get("chunk_id", sentence.chunk.id or "")),
        doc_id=str(meta.get("doc_id", "")),
        passage=sentence.chunk.page_content,
        passage_start=int(meta.get("start", 0)),
        passage_end=int(meta.get("end", 0)),
        published=str(meta.get("published") or ""),
        url=str(meta.get("url") or ""),
    )
