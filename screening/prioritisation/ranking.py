"""Prioritisation for title/abstract screening: rank unscreened records by likely relevance.

Pure (no Django). The API other code uses:

- ``record_text(title, abstract, keywords)``: the text the model reads for one record.
- ``featurize(texts, config) -> Features``: TF-IDF of a review's records, fitted once on all
  of them (their texts are known up front; only the labels change as votes come in).
  ``Features.transform(texts)`` puts other texts (new imports, the question) in that space.
- ``fit_model(features, labels, config) -> Model``: train on the labelled rows only
  (``labels``: row index -> 0/1). With both classes it is a classifier; with relevant records
  only, likeness to them; with none, no preference (every score 0).
- ``score(model, features_or_texts) -> np.ndarray``: one relevance score per row, higher
  first. Accepts the review's ``Features``, a matrix in their space, or raw texts (for records
  imported after the features were fitted; their terms unknown to the features are ignored,
  so refit the features when many new records arrive).
- ``rank_features(features, labels, query=...)`` / ``rank(texts, labels, query=...)``: the
  unlabelled row indices, most likely relevant first; ``unlabelled_by_score(scores, labels)``
  the same from scores already computed (the live queue keeps the model it fitted).
- ``retrain_due(settled, last, first_include)`` (from schedule.py): the retrain
  schedule, shared by the live queue (services.py) and ``simulate``, so a replay
  measures what reviewers get.
- ``simulate(texts, labels, seed=...)``: replay a labelled set as reviewers would screen it.
"""

import functools
import random
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import count, repeat

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC

from .schedule import retrain_due


@dataclass(frozen=True)
class RankerConfig:
    """Which features and classifier the ranking uses.

    ``features``: "word" (word n-grams), "char" (character n-grams within words) or
    "word+char" (both blocks, stacked, each L2-normalised then scaled by ``char_weight``).
    ``classifier``: "svm" (linear SVM, squared hinge), "lr" (logistic regression), "nb"
    (multinomial naive Bayes), or several joined by "+" (their standardised scores summed).
    ``ratio``: how much more the relevant class weighs in training than the irrelevant one
    in total (1 = balanced classes; relevant records are a few percent of a search, and
    missing one costs more than reading an irrelevant one).
    ``tf_power``: a term counted c times in a record weighs c ** tf_power (times its idf);
    None leaves it to ``sublinear_tf`` (1 + log c, or c).
    ``title_weight``: a second word block of the title's terms alone (see record_title),
    stacked with the whole record's at this weight; 0 leaves it out. ``title_ngrams``: the
    n-grams of that block.
    """

    # Defaults chosen by median WSS@95 over ALL shared sets and labels at once (ADHD ta/final,
    # Kitchenham final, Nagtegaal ta/final, CLEF CD010438; 3 seeds, shuffled; ASReview 3.0.8
    # on the same shuffles .472 .536 .675 .387 .737 .806), with `benchmarks/bench_screening.py
    # --sweep`: a linear SVM on sublinear TF-IDF of word 1-2 grams with the relevant class
    # weighted 20 times gave .462 .545 .682 .388 .734 .805: the smallest worst loss (-.010)
    # and the most sets at or above ASReview (3 of 6). Weights 10 / 30 / 50 lost up to
    # .009 / .014 / .044 on some set; C .3 or .2 instead of .1, English stop words (-.12 on
    # Kitchenham), naive Bayes alone (-.21 on Kitchenham, though +.17 on ADHD ta) and NB+SVM
    # ensembles (NB weight 1 or .3: -.01 to -.04 on Kitchenham, Nagtegaal, CLEF) did worse
    # overall; character n-grams were too slow for the scoring budget to sweep fully. (This
    # sweep retrained in batches from 200 labels on; schedule.py now retrains after
    # every label up to 1,000, which added up to .008 on five sets of six.)
    # Then, on 5 seeds with the live schedule (ASReview .472 .538 .674 .386 .734 .806), that
    # model still lost ADHD ta (.467 .545 .692 .390 .738 .807); reading the title twice
    # (record_text) and weighing counts by their square root (tf_power) gave .476 .553 .702
    # .387 .735 .803: ahead on five sets, .003 behind on CLEF (bench_screening.py --sweep
    # --only default, ASReview from the same run's cache). Powers .4 and .6 (title twice):
    # .449 .536 .689 .389 .741 .796 and .500 .577 .744 .398 .721 .809, worst margins -.022
    # and -.013 against -.003 at .5. Title once: raw counts won ADHD
    # ta (.548) but lost Nagtegaal final (.619); the square root lost ADHD ta (.452); with
    # 1 + log c, the title twice lost Nagtegaal final (.720); relevant class 15 times or
    # C .15 moved ADHD ta by under .005. Character n-grams were too slow to retrain after
    # every label.
    # Then a block of title terms alone (title_weight; the title still read twice in the
    # record's block), 5 seeds, same ASReview figures: at .5 / .3 / .2 it gave .542 .612
    # .743 .419 .683 .823, .502 .590 .731 .405 .710 .813 and .488 .567 .714 .406 .726 .808:
    # large gains on five sets, a loss on Nagtegaal final, where the title says least about
    # full-text inclusion. Counts weighed by c ** .4 brought Nagtegaal final back (.3: .487
    # .575 .718 .401 .733 .802; .4: .503 .592 .729 .400 .715 .813), and the relevant class
    # weighted 30 times instead of 20 gave .481 .580 .722 .406 .734 .805 (ratio 10: .702
    # on Nagtegaal final): the median over the six .651 against .627, the worst margin
    # -.001 (CLEF, .8056) against -.003. Title once plus the block at .3 (c ** .4): .728 on
    # Nagtegaal final. An SVM+LR ensemble was too slow to finish the sweep. With the solver's
    # looser tolerance (SVM_TOL, for the retrain budget): .480 .580 .722 .405 .735 .804.
    # Then the title block of single words (title_ngrams (1, 1)): a title's bigrams are rare,
    # so the block's weight went to them; words alone give each title word more of it. At
    # weight .3 it gave .507 .586 .742 .410 .721 .821 (Nagtegaal final lost, -.013), at .25
    # .725 on Nagtegaal final, at .15 .459 on ADHD ta, and at .2 .481 .565 .730 .406 .736
    # .807: at least ASReview on all six (worst margin +.001, Nagtegaal final and CLEF). On
    # seeds 5-9 (no ASReview run) the same pair (words at .2 against bigrams at .3) gave
    # .480/.480 .566/.580 .732/.722 .400/.398 .739/.738 .808/.803: the same trade (ADHD
    # final down .014, still .03 above ASReview's; CLEF, Kitchenham up). Tried too, with the
    # bigram block: C .15 / .07 (CLEF .802 / .799), counts c ** .45 (CLEF .808 but Nagtegaal
    # final .732), with ratio 40 (.732, .803) or block .25 (.734, .803), and a title weight
    # falling as relevant records are found, .5 to .2 or .3 (ADHD ta .458; Nagtegaal final
    # .733).
    features: str = "word"
    classifier: str = "svm"
    ratio: float = 30.0
    word_ngrams: tuple[int, int] = (1, 2)
    char_ngrams: tuple[int, int] = (3, 5)
    char_weight: float = 1.0
    stop_words: str | None = None
    sublinear_tf: bool = True
    tf_power: float | None = 0.4
    min_df: int = 1
    max_df: float = 0.95
    c: float = 0.1
    nb_alpha: float = 3.822
    nb_ratio: float = 1.0
    nb_weight: float = 1.0
    title_weight: float = 0.2
    title_ngrams: tuple[int, int] = (1, 1)


# ASReview 3's default model (ELAS u4: linear SVM, C 0.11, relevant class weighted 9.8 times,
# on sublinear TF-IDF of word 1-2 grams), kept as a reference for the benchmarks.
BASELINE = RankerConfig(c=0.11, ratio=9.8, tf_power=None, title_weight=0.0)
DEFAULT = RankerConfig()
SMALL_SET = 200


# The title is read twice: a reviewer judges most records by their title, and a word in it
# says more about the record than the same word once in the abstract (measured in
# RankerConfig's note).
TITLE_REPEATS = 2


def record_text(title: str | None, abstract: str | None, keywords: Sequence[str] | None = None):
    """The text the model reads for one record: the title (twice), abstract and keywords."""
    parts = [title or ""] * TITLE_REPEATS + [abstract or "", " ".join(keywords or ())]
    return "\n".join(part.strip() for part in parts if part and part.strip())


def record_title(text: str) -> str:
    """The title of a :func:`record_text`: the part written TITLE_REPEATS times at its start
    (a title may hold line breaks, so the shortest such prefix ending at a line break), or
    "" when the record has no title (nothing at its start repeats)."""
    if TITLE_REPEATS < 2:
        return text.split("\n", 1)[0]
    cut = text.find("\n")
    while cut >= 0:
        title = text[:cut]
        repeated = "\n".join([title] * TITLE_REPEATS)
        if text == repeated or text.startswith(repeated + "\n"):
            return title
        cut = text.find("\n", cut + 1)
    return ""


# CJK ideographs (and kana) come without spaces between words, so a run of them is cut into
# overlapping character pairs, the usual unit for Chinese retrieval; other scripts keep
# scikit-learn's default of runs of two or more word characters.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(rf"[{_CJK}]+|[^\W{_CJK}]{{2,}}")
_CJK_RUN = re.compile(rf"[{_CJK}]+")


def tokenize(text: str) -> list[str]:
    """Word tokens of a text; CJK runs become character bigrams."""
    if not _CJK_RUN.search(text):
        return _TOKEN.findall(text)  # the common case, without a Python loop per token
    tokens = []
    for token in _TOKEN.findall(text):
        if _CJK_RUN.fullmatch(token):
            pairs = [token[i : i + 2] for i in range(len(token) - 1)]
            tokens.extend(pairs or [token])
        else:
            tokens.append(token)
    return tokens


def _normalise(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return (sparse.diags(1.0 / norms) @ matrix).tocsr()


class _NoTerms:
    """Stands in for a vectoriser that found no term at all (every text empty)."""

    def transform(self, texts):
        return sparse.csr_matrix((len(texts), 1))


@dataclass
class Features:
    """TF-IDF matrix of a set of records and the vectorisers that produced it."""

    matrix: sparse.csr_matrix
    vectorizers: list
    weights: list = field(default_factory=list)

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """Vectorise other texts (new records, the review question) in the same space."""
        texts = [text or "" for text in texts]
        weights = self.weights or [1.0] * len(self.vectorizers)
        if len(self.vectorizers) == 1:  # rows already of unit length: nothing to stack
            return _transform(self.vectorizers[0], _field(self.vectorizers[0], texts))
        # Each block's rows are of unit length (or empty), so a stacked row's length is known
        # from which blocks it has: each block is scaled once, instead of normalised, weighted,
        # stacked and normalised again (a fifth of the time of scoring 10,000 new records).
        blocks = [_transform(vec, _field(vec, texts)) for vec in self.vectorizers]
        present = [np.diff(block.indptr) > 0 for block in blocks]
        length = np.sqrt(sum(has * weight ** 2 for has, weight in zip(present, weights,
                                                                      strict=True)))
        length[length == 0] = 1.0
        for block, weight in zip(blocks, weights, strict=True):
            block.data *= np.repeat(weight / length, np.diff(block.indptr))
        return sparse.hstack(blocks, format="csr")


# The attribute of a fitted vectoriser that reads the title only (see RankerConfig.title_weight);
# vectorisers without it read the whole record_text. Kept on the vectoriser, so a kept model
# scores new records with the same fields it was fitted on.
FIELD = "prismflow_field"


def _field(vec, texts: list[str]) -> list[str]:
    if getattr(vec, FIELD, None) == "title":
        return [record_title(text) for text in texts]
    return texts


def _transform(vec, texts: list[str]) -> sparse.csr_matrix:
    """``vec.transform(texts)``, on a fast path for the word vectoriser of this module.

    scikit-learn builds every n-gram string and looks it up in the vocabulary in a Python
    loop (about 0.3 ms per abstract: 3 s for an import of 10,000 records). Here each token
    is looked up once (through ``map``), and unigram and bigram columns come from those
    token numbers in numpy (see :class:`_WordIndex`): the same matrix, several times faster.
    """
    index = _word_index(vec)
    if index is None:
        return _with_tf_power(vec, vec.transform(texts))
    get = index.tokens.get
    ids: list[int] = []
    extend, ends = ids.extend, [0]
    for text in texts:
        text = text.lower()
        if text.isascii():
            tokens = _ASCII_TOKEN.findall(text)
        else:
            tokens = tokenize(_strip_accents(text))
        extend(map(get, tokens, repeat(-1)))
        ends.append(len(ids))
    return index.matrix(np.fromiter(ids, dtype=np.int64, count=len(ids)), np.asarray(ends),
                        vec)


# Within ASCII text the tokens of ``tokenize`` are runs of two or more word characters.
_ASCII_TOKEN = re.compile(r"\w\w+", re.ASCII)


@functools.cache
def _combining_marks() -> dict[int, None]:
    # Every character with a combining class lies in planes 0 and 1 (the last, U+1E94A, in
    # Unicode 14 and 15); planes 2 and up hold ideographs, tags and private use. Looking at
    # those 131,072 code points instead of all 1,114,112 took the first scoring of a
    # non-ASCII text 0.4 s less.
    return {c: None for c in range(0x20000) if unicodedata.combining(chr(c))}


def _strip_accents(text: str) -> str:
    """scikit-learn's strip_accents_unicode (NFKD, then drop combining marks), in C loops."""
    return unicodedata.normalize("NFKD", text).translate(_combining_marks())


class _WordIndex:
    """A fitted word vectoriser's vocabulary by token: ``tokens`` numbers every token that
    is a feature or part of a bigram feature, ``unigram[t]`` is token t's column (-1 when
    not a feature, e.g. too common), and a bigram's column is found under its key (first
    token * number of tokens + second token) in an open-addressing hash table in numpy
    (a binary search of the sorted keys took a third of the scoring time)."""

    def __init__(self, vocabulary: dict[str, int]):
        # Every step a C loop (join, split, map, dict.fromkeys): a Python loop over the terms
        # took about a second for a vocabulary of 500,000, on every first scoring of a model.
        terms = list(vocabulary)
        columns = np.fromiter(vocabulary.values(), dtype=np.int64, count=len(terms))
        parts = " ".join(terms).split(" ") if terms else []
        widths = np.fromiter(map(str.count, terms, repeat(" ")), dtype=np.int64,
                             count=len(terms)) + 1
        self.tokens: dict[str, int] = dict(zip(dict.fromkeys(parts), count()))
        ids = np.fromiter(map(self.tokens.__getitem__, parts), dtype=np.int64, count=len(parts))
        starts = np.cumsum(widths) - widths
        self.unigram = np.full(len(self.tokens) + 1, -1, dtype=np.int64)  # [-1]: unknown
        single = widths == 1
        self.unigram[ids[starts[single]]] = columns[single]
        double = widths == 2
        pairs = np.stack([ids[starts[double]], ids[starts[double] + 1]], axis=1)
        pair_columns = columns[double]
        n = max(len(self.tokens), 1)
        keys = (np.asarray(pairs, dtype=np.int64).reshape(-1, 2) @ np.array([n, 1]))
        columns = np.asarray(pair_columns, dtype=np.int64)
        self.n_tokens, self.n_pairs = n, len(keys)
        # At most a quarter full, so a look-up rarely probes more than one slot.
        self.bits = max(4, int(np.ceil(np.log2(max(len(keys), 1) * 4))))
        mask = (1 << self.bits) - 1
        self.table_keys = np.full(mask + 1, -1, dtype=np.int64)
        self.table_columns = np.zeros(mask + 1, dtype=np.int64)
        slot, pending = _slots(keys, self.bits), np.arange(len(keys))
        while pending.size:  # each round places one key in each free slot asked for
            wanted = slot[pending]
            free = self.table_keys[wanted] == -1
            taken, first = np.unique(wanted[free], return_index=True)
            placed = pending[free][first]
            self.table_keys[taken], self.table_columns[taken] = keys[placed], columns[placed]
            left = np.ones(len(keys), dtype=bool)
            left[placed] = False
            pending = pending[left[pending]]
            slot[pending] = (slot[pending] + 1) & mask

    def pair_columns(self, keys: np.ndarray) -> np.ndarray:
        """The column of each bigram key, -1 for a bigram that is no feature."""
        out = np.full(len(keys), -1, dtype=np.int64)
        mask = (1 << self.bits) - 1
        slot, active = _slots(keys, self.bits), np.arange(len(keys))
        while active.size:
            found = self.table_keys[slot[active]]
            hit = found == keys[active]
            out[active[hit]] = self.table_columns[slot[active[hit]]]
            active = active[~hit & (found != -1)]
            slot[active] = (slot[active] + 1) & mask
        return out

    def matrix(self, ids: np.ndarray, ends: np.ndarray, vec) -> sparse.csr_matrix:
        """The tf-idf rows of documents whose token numbers (-1: unknown) are ``ids``, the
        tokens of document d being ``ids[ends[d]:ends[d + 1]]``."""
        lengths = np.diff(ends)
        rows = np.repeat(np.arange(len(lengths)), lengths)
        columns = [self.unigram[ids]]
        row_blocks = [rows]
        if vec.ngram_range[1] == 2 and len(ids) > 1 and self.n_pairs:
            # Neighbouring tokens of one document: the pair (i, i + 1) with rows equal.
            first, second = ids[:-1], ids[1:]
            same = (rows[:-1] == rows[1:]) & (first >= 0) & (second >= 0)
            columns.append(self.pair_columns(first[same] * self.n_tokens + second[same]))
            row_blocks.append(rows[:-1][same])
        columns, rows = np.concatenate(columns), np.concatenate(row_blocks)
        known = columns >= 0
        counts = sparse.csr_matrix(
            (np.ones(int(known.sum())), (rows[known], columns[known])),
            shape=(len(lengths), len(vec.vocabulary_)))
        counts.sum_duplicates()
        power = getattr(vec, TF_POWER, None)
        if power is not None:
            np.power(counts.data, power, out=counts.data)
        elif vec.sublinear_tf:
            np.log(counts.data, counts.data)
            counts.data += 1.0
        counts.data *= vec.idf_[counts.indices]
        return _normalise(counts)


def _slots(keys: np.ndarray, bits: int) -> np.ndarray:
    """Fibonacci hashing: the top ``bits`` bits of key * 2**64 / golden ratio."""
    mixed = keys.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    return (mixed >> np.uint64(64 - bits)).astype(np.int64)


# The attribute of a fitted vectoriser that holds its _WordIndex. Built when the features are
# fitted and kept on the vectoriser, so it is saved and loaded with it (store.py): building
# it again on each worker's first scoring took half a second for 500,000 terms, reading it
# from the file 0.05 s.
INDEX = "prismflow_index"


def _word_index(vec) -> _WordIndex | None:
    """The index of a fitted word vectoriser of this module (built once per vectoriser), or
    None for any other vectoriser, which then transforms on its own."""
    if not (isinstance(vec, TfidfVectorizer) and vec.analyzer == "word"
            and vec.tokenizer is tokenize and vec.ngram_range in ((1, 1), (1, 2))
            and vec.lowercase and vec.strip_accents == "unicode" and vec.stop_words is None
            and vec.norm == "l2" and vec.use_idf and hasattr(vec, "vocabulary_")):
        return None
    index = getattr(vec, INDEX, None)
    if index is None:
        index = _WordIndex(vec.vocabulary_)
        setattr(vec, INDEX, index)
    return index


# The attribute of a fitted vectoriser that holds the config's tf_power: its transform then
# weighs counts by that power (scikit-learn knows only 1 + log c and c).
TF_POWER = "prismflow_tf_power"


def _with_tf_power(vec, matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    """Rows of tf-idf with linear tf, L2-normalised, re-weighted to c ** power * idf: an
    entry over its idf is the count over the row's norm, a factor normalising removes."""
    power = getattr(vec, TF_POWER, None)
    if power is None or not isinstance(vec, TfidfVectorizer):
        return matrix
    matrix = matrix.tocsr(copy=True)
    idf = vec.idf_[matrix.indices]
    matrix.data = (matrix.data / idf) ** power * idf
    return _normalise(matrix)


def _vectorizers(config: RankerConfig, n_texts: int) -> list:
    # A term in one record of a big set is mostly noise, but in a set of a few dozen records
    # dropping such terms (or those in most records) can leave nothing to tell them apart.
    small = n_texts < SMALL_SET
    min_df = 1 if small else config.min_df
    max_df = 1.0 if small else config.max_df
    vecs = []
    if "word" in config.features:
        vecs.append(
            TfidfVectorizer(
                ngram_range=config.word_ngrams,
                tokenizer=tokenize,
                token_pattern=None,
                lowercase=True,
                stop_words=config.stop_words,
                min_df=min_df,
                max_df=max_df,
                sublinear_tf=config.sublinear_tf and config.tf_power is None,
                strip_accents="unicode",
            )
        )
    if "char" in config.features:
        # Character n-grams also work for Chinese titles, which have no spaces between words.
        vecs.append(
            TfidfVectorizer(
                analyzer="char_wb",
                ngram_range=config.char_ngrams,
                min_df=max(min_df, 2) if not small else 1,
                max_df=max_df,
                sublinear_tf=config.sublinear_tf and config.tf_power is None,
                max_features=200_000,
            )
        )
    if not vecs:
        raise ValueError(f"unknown features {config.features!r}")
    if config.tf_power is not None:
        for vec in vecs:
            setattr(vec, TF_POWER, config.tf_power)
    return vecs


def _title_vectorizer(config: RankerConfig, n_texts: int):
    """The word vectoriser of the title block: as the record's, reading the title only."""
    vec = _vectorizers(replace(config, features="word", word_ngrams=config.title_ngrams),
                       n_texts)[0]
    setattr(vec, FIELD, "title")
    return vec


def _fit_block(vec, texts: list[str]):
    try:
        return vec, _with_tf_power(vec, vec.fit_transform(texts))
    except ValueError:
        pass
    # Too few texts for min_df/max_df, or only stop words: keep every term before giving up.
    vec.set_params(min_df=1, max_df=1.0, stop_words=None)
    try:
        return vec, _with_tf_power(vec, vec.fit_transform(texts))
    except ValueError:
        return _NoTerms(), _NoTerms().transform(texts)


def featurize(texts: Sequence[str], config: RankerConfig = DEFAULT) -> Features:
    """Fit TF-IDF on all the records (labelled or not, as the texts are known up front)."""
    texts = [text or "" for text in texts]
    fitted = [_fit_block(vec, texts) for vec in _vectorizers(config, len(texts))]
    weights = [1.0] + [config.char_weight] * (len(fitted) - 1)
    if config.title_weight:
        fitted.append(_fit_block(_title_vectorizer(config, len(texts)),
                                 [record_title(text) for text in texts]))
        weights.append(config.title_weight)
    blocks = [_normalise(block) * w for (_, block), w in zip(fitted, weights, strict=True)]
    matrix = _normalise(sparse.hstack(blocks).tocsr())
    for vec, _block in fitted:
        _word_index(vec)  # built now, once per review, and kept with the vectoriser
    return Features(matrix, [vec for vec, _ in fitted], weights)


# ---------------------------------------------------------------- training and scoring


@dataclass
class Model:
    """A fitted ranking model: ``parts`` are (kind, estimator or vector, mean, std)."""

    config: RankerConfig
    features: Features | None
    parts: list
    scores: np.ndarray | None = None  # of ``features``' rows, when computed while fitting


def _sample_weights(y: np.ndarray, ratio: float) -> np.ndarray:
    # The relevant class weighs ``ratio`` times the irrelevant one in total; weights are
    # rescaled to average 1 so the regularisation strength means the same at any size.
    n_pos = int(y.sum())
    n_neg = len(y) - n_pos
    weights = np.where(y == 1, 1.0, n_pos / (ratio * n_neg))
    return weights * (len(y) / weights.sum())


class _NaiveBayes:
    """Multinomial naive Bayes with sample weights, reduced to one weight per term.

    scikit-learn's MultinomialNB gives the same scores, but its input checks cost more than
    the fit itself when the model retrains after every label; here a fit is two sparse
    products and scoring one matrix-vector product.
    """

    def __init__(self, x, y: np.ndarray, weights: np.ndarray, alpha: float):
        counts = [np.asarray(x.T @ np.where(y == k, weights, 0.0)).ravel() + alpha
                  for k in (0, 1)]
        log_prob = [np.log(c / c.sum()) for c in counts]
        self.coef = log_prob[1] - log_prob[0]
        mass = [weights[y == k].sum() for k in (0, 1)]
        self.intercept = float(np.log(mass[1] / mass[0]))


# The dual solver's stopping tolerance: 3e-3 instead of scikit-learn's 1e-4. On 10,000
# labelled records the fit took 0.79 s instead of 1.41 s (54 passes instead of 93) and its
# scores correlated with the tighter fit's at 0.99999999; the replays' medians moved by at
# most .001 (RankerConfig's note).
SVM_TOL = 3e-3


def _fit_one(name: str, x, y: np.ndarray, config: RankerConfig):
    """(coefficients, intercept) of a linear model: every classifier here scores a record by
    one sparse matrix-vector product, far cheaper than scikit-learn's per-call checks."""
    weights = _sample_weights(y, config.nb_ratio if name == "nb" else config.ratio)
    if name == "nb":
        model = _NaiveBayes(x, y, weights, config.nb_alpha)
        return model.coef, model.intercept
    if name == "svm":
        # Fixed random_state: the dual solver visits rows in a random order, which would
        # otherwise make a replay differ from run to run.
        model = LinearSVC(
            C=config.c, loss="squared_hinge", dual=True, max_iter=2000, random_state=0,
            tol=SVM_TOL,
        )
    elif name == "lr":
        model = LogisticRegression(C=config.c * 10, solver="liblinear", random_state=0)
    else:
        raise ValueError(f"unknown classifier {name!r}")
    model.fit(x, y, sample_weight=weights)
    return model.coef_.ravel(), float(model.intercept_[0])


def _raw_scores(kind: str, est, matrix) -> np.ndarray:
    if kind == "centroid":
        return np.asarray(matrix @ est).ravel()
    coef, intercept = est
    return np.asarray(matrix @ coef).ravel() + intercept


def _as_index(labels) -> tuple[np.ndarray, np.ndarray]:
    if isinstance(labels, Mapping):
        index = np.fromiter(labels.keys(), dtype=np.int64, count=len(labels))
        y = np.fromiter(labels.values(), dtype=np.int64, count=len(labels))
        return index, y
    index, y = labels
    return np.asarray(index, dtype=np.int64), np.asarray(y, dtype=np.int64)


def fit_model(features: Features, labels, config: RankerConfig = DEFAULT) -> Model:
    """Train on the labelled rows of ``features``.

    ``labels``: row index -> 0/1, or a pair (indices, 0/1 array). Only those rows are read,
    so a retrain costs a classifier fit on the labelled records, not a pass over the texts.
    """
    index, y = _as_index(labels)
    matrix = features.matrix
    n_pos = int(y.sum())
    if n_pos == 0:
        return Model(config, features, [])
    if n_pos == len(y):
        # Relevant records only: no classifier can be trained yet; rank by likeness to them.
        centroid = np.asarray(matrix[index].mean(axis=0)).ravel()
        return Model(config, features, [("centroid", centroid, 0.0, 1.0)])
    x = matrix[index]
    names = config.classifier.split("+")
    if len(names) == 1:
        return Model(config, features, [(names[0], _fit_one(names[0], x, y, config), 0.0, 1.0)])
    # Ensemble: each model's scores standardised on the whole set, so neither model's scale
    # dominates; the same shift applies to records scored later.
    parts, total = [], np.zeros(matrix.shape[0])
    for name in names:
        est = _fit_one(name, x, y, config)
        raw = _raw_scores(name, est, matrix)
        mean, std = float(raw.mean()), float(raw.std()) or 1.0
        if name == "nb":
            std /= config.nb_weight  # the naive Bayes part counts nb_weight times
        parts.append((name, est, mean, std))
        total += (raw - mean) / std
    return Model(config, features, parts, total)


def score(model: Model, features_or_texts) -> np.ndarray:
    """Relevance scores (higher = more likely relevant) of the rows given: the review's
    ``Features``, a matrix in their space, or texts (vectorised with the model's features)."""
    if features_or_texts is model.features and model.scores is not None:
        return model.scores.copy()
    if isinstance(features_or_texts, Features):
        matrix = features_or_texts.matrix
    elif sparse.issparse(features_or_texts) or isinstance(features_or_texts, np.ndarray):
        matrix = features_or_texts
    else:
        if model.features is None:
            raise ValueError("this model has no features to vectorise texts with")
        matrix = model.features.transform(list(features_or_texts))
    total = np.zeros(matrix.shape[0])
    for kind, est, mean, std in model.parts:
        total += (_raw_scores(kind, est, matrix) - mean) / std
    return total


def unlabelled_by_score(scores: np.ndarray, labels: Mapping[int, int]) -> list[int]:
    """The rows not in ``labels``, highest score first; equal scores keep row order (a
    stable sort, so the result never depends on sort internals)."""
    mask = np.ones(len(scores), dtype=bool)
    if labels:
        mask[np.fromiter(labels.keys(), dtype=np.int64, count=len(labels))] = False
    candidates = np.flatnonzero(mask)
    return candidates[np.argsort(-scores[candidates], kind="stable")].tolist()


def has_both_classes(labels: Mapping[int, int]) -> bool:
    """Whether the labels hold a relevant and an irrelevant record, as a classifier needs."""
    return len(set(labels.values())) == 2


def rank_features(
    features: Features,
    labels: Mapping[int, int],
    *,
    query: str | None = None,
    config: RankerConfig = DEFAULT,
) -> list[int]:
    """Like :func:`rank`, on features already computed (reuse them between calls)."""
    # fit_model covers the cold start too: likeness to the relevant records while there is
    # no irrelevant one, all scores 0 (input order) while there is no relevant one.
    scores = score(fit_model(features, labels, config), features)
    if query and query.strip() and not has_both_classes(labels):
        # No classifier yet: the question also says what is wanted.
        scores += np.asarray(features.matrix @ features.transform([query]).T.toarray()).ravel()
    return unlabelled_by_score(scores, labels)


def rank(
    texts: Sequence[str],
    labels: Mapping[int, int],
    *,
    query: str | None = None,
    config: RankerConfig = DEFAULT,
) -> list[int]:
    """Order the unlabelled records, most likely relevant first.

    ``texts``: one string per record (see :func:`record_text`); ``labels``: record index -> 0/1
    for the records screened so far. ``query``: the review question or inclusion keywords,
    used while no relevant record is known yet. With no relevant record and no query the
    order is the input order. Returns the indices not in ``labels``.
    """
    for key, value in labels.items():
        if value not in (0, 1):
            raise ValueError(f"label of record {key} is {value!r}, not 0 or 1")
        if not 0 <= key < len(texts):
            raise ValueError(f"labelled record {key} is outside 0..{len(texts) - 1}")
    return rank_features(featurize(texts, config), labels, query=query, config=config)


# ---------------------------------------------------------------- schedule and replay

def pick_priors(labels: Sequence[int], seed: int) -> list[int]:
    """One random relevant and one random irrelevant record (seeded), in input order."""
    rng = random.Random(seed)
    relevant = [i for i, y in enumerate(labels) if y == 1]
    irrelevant = [i for i, y in enumerate(labels) if y == 0]
    priors = [rng.choice(group) for group in (relevant, irrelevant) if group]
    return sorted(priors)


def simulate(
    texts: Sequence[str],
    labels: Sequence[int],
    *,
    seed: int = 0,
    config: RankerConfig = DEFAULT,
    schedule=None,
) -> list[int]:
    """Replay a fully labelled set the way reviewers screen it in the app.

    Starts from one random relevant and one random irrelevant record (seeded), settled in
    input order, then reads the queue head by head. After each settlement the model
    retrains when :func:`retrain_due` (the live schedule; ``schedule`` replaces it, for
    benchmarks only) says so and there is a relevant record; until the first one the queue
    is in input order, as in the app. Returns every index once, first screened first.
    """
    if len(texts) != len(labels):
        raise ValueError(f"{len(texts)} texts but {len(labels)} labels")
    if any(y not in (0, 1) for y in labels):
        raise ValueError("labels must be 0 or 1")
    due = schedule or retrain_due
    n = len(texts)
    features = featurize(texts, config)
    y_all = np.asarray(labels, dtype=np.int64)
    done = np.zeros(n, dtype=bool)
    order: list[int] = []
    queue = np.arange(n)  # the current queue; settled records are skipped
    head = 0
    last = 0
    n_pos = 0

    def settle(i):
        nonlocal queue, head, last, n_pos
        order.append(i)
        done[i] = True
        first_include = labels[i] == 1 and n_pos == 0
        n_pos += labels[i]
        if due(len(order), last, first_include):
            last = len(order)
            if n_pos:
                index = np.asarray(order)
                model = fit_model(features, (index, y_all[index]), config)
                scores = score(model, features)
                rest = np.flatnonzero(~done)
                queue = rest[np.argsort(-scores[rest], kind="stable")]
                head = 0

    for i in pick_priors(labels, seed):
        settle(i)
    while len(order) < n:
        while done[queue[head]]:
            head += 1
        settle(int(queue[head]))
    return order
