"""Prioritisation for title/abstract screening: rank unscreened records by likely relevance."""

import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import MultinomialNB
from sklearn.svm import LinearSVC


@dataclass(frozen=True)
class RankerConfig:
    """Which features and classifier the ranking uses.

    ``features``: "word" (word 1-2 grams), "char" (character 3-5 grams within words) or
    "word+char" (both, stacked). ``classifier``: "nb" (multinomial naive Bayes), "lr"
    (logistic regression) or "svm" (linear SVM). ``balance`` weights the relevant class up to
    the weight of the irrelevant one, since relevant records are a few percent of a search.
    """

    # Defaults chosen by median WSS@95 over the four shared sets (benchmarks/bench_screening.py):
    # balanced naive Bayes on word 1-2 grams beat logistic regression, linear SVM, an NB+LR
    # ensemble and character n-grams on three sets of four, and is ten times faster than LR.
    features: str = "word"
    classifier: str = "nb"
    balance: bool = True
    word_ngrams: tuple[int, int] = (1, 2)
    char_ngrams: tuple[int, int] = (3, 5)
    c: float = 1.0
    nb_alpha: float = 2.0
    min_df: int = 2


# ASReview's default model (naive Bayes, alpha 3.822, on unigram TF-IDF, relevant class
# rebalanced), the reference the benchmarks compare with.
BASELINE = RankerConfig(word_ngrams=(1, 1), nb_alpha=3.822)
DEFAULT = RankerConfig()
SMALL_SET = 200


def record_text(title: str | None, abstract: str | None, keywords: Sequence[str] | None = None):
    """The text the model reads for one record: title, abstract and keywords."""
    parts = [title or "", abstract or "", " ".join(keywords or ())]
    return "\n".join(part.strip() for part in parts if part and part.strip())


@dataclass
class Features:
    """TF-IDF matrix of a set of records and the vectorisers that produced it."""

    matrix: sparse.csr_matrix
    vectorizers: list

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """Vectorise other texts (e.g. the review question) in the same space."""
        blocks = [vec.transform(texts) for vec in self.vectorizers]
        return _normalise(sparse.hstack(blocks).tocsr())


# CJK ideographs (and kana) come without spaces between words, so a run of them is cut into
# overlapping character pairs, the usual unit for Chinese retrieval; other scripts keep
# scikit-learn's default of runs of two or more word characters.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(rf"[{_CJK}]+|[^\W{_CJK}]{{2,}}")
_CJK_RUN = re.compile(rf"[{_CJK}]+")


def tokenize(text: str) -> list[str]:
    """Word tokens of a text; CJK runs become character bigrams."""
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
    return sparse.diags(1.0 / norms) @ matrix


def _vectorizers(config: RankerConfig, n_texts: int) -> list:
    # A term in one record of a big set is mostly noise, but in a set of a few dozen records
    # dropping such terms can leave nothing to tell the records apart.
    min_df = config.min_df if n_texts >= SMALL_SET else 1
    vecs = []
    if "word" in config.features:
        vecs.append(
            TfidfVectorizer(
                ngram_range=config.word_ngrams,
                tokenizer=tokenize,
                token_pattern=None,
                stop_words="english",
                min_df=min_df if config.word_ngrams[1] > 1 else 1,
                sublinear_tf=True,
                strip_accents="unicode",
            )
        )
    if "char" in config.features:
        # Character n-grams also work for Chinese titles, which have no spaces between words.
        vecs.append(
            TfidfVectorizer(
                analyzer="char_wb",
                ngram_range=config.char_ngrams,
                min_df=min_df,
                sublinear_tf=True,
                max_features=200_000,
            )
        )
    if not vecs:
        raise ValueError(f"unknown features {config.features!r}")
    return vecs


class _NoTerms:
    """Stands in for a vectoriser that found no term at all (every text empty)."""

    def transform(self, texts):
        return sparse.csr_matrix((len(texts), 1))


def _fit_block(vec, texts: list[str]):
    try:
        return vec, vec.fit_transform(texts)
    except ValueError:
        pass
    # Too few texts for min_df, or only stop words: keep every term before giving up.
    vec.set_params(min_df=1, stop_words=None)
    try:
        return vec, vec.fit_transform(texts)
    except ValueError:
        return _NoTerms(), _NoTerms().transform(texts)


def featurize(texts: Sequence[str], config: RankerConfig = DEFAULT) -> Features:
    """Fit TF-IDF on all the records (labelled or not, as the texts are known up front)."""
    texts = [text or "" for text in texts]
    fitted = [_fit_block(vec, texts) for vec in _vectorizers(config, len(texts))]
    matrix = sparse.hstack([block for _, block in fitted]).tocsr()
    return Features(_normalise(matrix), [vec for vec, _ in fitted])


def _classifier(config: RankerConfig):
    if config.classifier == "nb":
        return MultinomialNB(alpha=config.nb_alpha)
    weight = "balanced" if config.balance else None
    if config.classifier == "lr":
        return LogisticRegression(C=config.c, class_weight=weight, solver="liblinear")
    if config.classifier == "svm":
        return LinearSVC(C=config.c, class_weight=weight)
    raise ValueError(f"unknown classifier {config.classifier!r}")


def classifier_scores(
    matrix: sparse.csr_matrix, index: Sequence[int], y: Sequence[int], config: RankerConfig
) -> np.ndarray:
    """Train on the labelled rows (``index``, ``y``; both classes present) and score every row."""
    if "+" in config.classifier:
        # Ensemble: standardised scores summed, so neither model's scale dominates.
        total = np.zeros(matrix.shape[0])
        for name in config.classifier.split("+"):
            part = _single_scores(matrix, index, y, replace(config, classifier=name))
            total += (part - part.mean()) / (part.std() or 1.0)
        return total
    return _single_scores(matrix, index, y, config)


def _single_scores(
    matrix: sparse.csr_matrix, index: Sequence[int], y: Sequence[int], config: RankerConfig
) -> np.ndarray:
    y = np.asarray(y)
    model = _classifier(config)
    x = matrix[np.asarray(index)]
    if config.classifier != "nb":
        model.fit(x, y)  # balanced through class_weight
        return model.decision_function(matrix)
    weights = None
    if config.balance:
        # Naive Bayes has no class weights; weighting each relevant record by the ratio of
        # irrelevant to relevant plays the part of ASReview's oversampling of the relevant.
        n_pos = int(y.sum())
        weights = np.where(y == 1, (len(y) - n_pos) / n_pos, 1.0)
    model.fit(x, y, sample_weight=weights)
    log_proba = model.predict_log_proba(matrix)
    return log_proba[:, 1] - log_proba[:, 0]


def _order_by_score(candidates: Sequence[int], scores: np.ndarray) -> list[int]:
    # Stable: equal scores keep input order, so the result never depends on sort internals.
    return sorted(candidates, key=lambda i: (-scores[i], i))


def rank_features(
    features: Features,
    labels: Mapping[int, int],
    *,
    query: str | None = None,
    config: RankerConfig = DEFAULT,
) -> list[int]:
    """Like :func:`rank`, on features already computed (reuse them between calls)."""
    n = features.matrix.shape[0]
    candidates = [i for i in range(n) if i not in labels]
    positives = [i for i, y in labels.items() if y == 1]
    negatives = [i for i, y in labels.items() if y == 0]
    matrix = features.matrix
    if positives and negatives:
        index = positives + negatives
        y = [1] * len(positives) + [0] * len(negatives)
        return _order_by_score(candidates, classifier_scores(matrix, index, y, config))
    # Cold start: no classifier can be trained yet, so rank by likeness to what is wanted.
    targets = []
    if positives:
        targets.append(np.asarray(matrix[positives].mean(axis=0)).ravel())
    if query and query.strip():
        targets.append(features.transform([query]).toarray().ravel())
    if not targets:
        return candidates
    scores = matrix @ np.sum(targets, axis=0)
    return _order_by_score(candidates, np.asarray(scores).ravel())


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


def pick_priors(labels: Sequence[int], seed: int) -> list[int]:
    """One random relevant and one random irrelevant record (seeded), in input order."""
    rng = random.Random(seed)
    relevant = [i for i, y in enumerate(labels) if y == 1]
    irrelevant = [i for i, y in enumerate(labels) if y == 0]
    priors = [rng.choice(group) for group in (relevant, irrelevant) if group]
    return sorted(priors)


def batch_size(n_labelled: int, n_total: int, every_record_up_to: int, growth: float) -> int:
    """How many records to read before the next retrain.

    Sets up to ``every_record_up_to`` records retrain after every record; larger ones do so
    for their first ``every_record_up_to`` reads, then in batches that grow with the number
    of labels, since one more irrelevant label barely moves a model trained on hundreds.
    """
    if n_total <= every_record_up_to or n_labelled < every_record_up_to:
        return 1
    return max(1, int(n_labelled * growth))


def simulate(
    texts: Sequence[str],
    labels: Sequence[int],
    *,
    seed: int = 0,
    config: RankerConfig = DEFAULT,
    every_record_up_to: int = 1000,
    growth: float = 0.05,
    retrain_on_relevant: bool = True,
) -> list[int]:
    """Replay a fully labelled set the way an active-learning reviewer would screen it.

    Starts from one random relevant and one random irrelevant record (seeded), then reads in
    the model's order, retraining as labels arrive (see :func:`batch_size`); a newly found
    relevant record ends the batch early when ``retrain_on_relevant``, because a real reviewer
    would give that label to the model straight away. Returns every index once, first
    screened first, the prior records leading.
    """
    if len(texts) != len(labels):
        raise ValueError(f"{len(texts)} texts but {len(labels)} labels")
    if any(y not in (0, 1) for y in labels):
        raise ValueError("labels must be 0 or 1")
    features = featurize(texts, config)
    order = pick_priors(labels, seed)
    known = {i: labels[i] for i in order}
    n = len(texts)
    while len(order) < n:
        ranked = rank_features(features, known, config=config)
        step = batch_size(len(known), n, every_record_up_to, growth)
        for i in ranked[:step]:
            order.append(i)
            known[i] = labels[i]
            if labels[i] == 1 and retrain_on_relevant:
                break
    return order
