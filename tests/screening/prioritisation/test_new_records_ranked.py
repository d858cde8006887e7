"""Records imported mid-review are scored by the last retrain's model as they arrive."""
from django.core.files.uploadedfile import SimpleUploadedFile

from reviews.searches import services as search_services
from screening import selectors, services
from screening.models import Item
from screening.prioritisation.services import items_prioritise_run
from screening.prioritisation.store import model_path

RELEVANT = [
    "Mesenchymal stem cells for systemic sclerosis skin fibrosis",
    "Adipose derived mesenchymal stem cells in systemic sclerosis hands",
    "Umbilical cord mesenchymal stem cells for diffuse systemic sclerosis",
    "Bone marrow mesenchymal stem cells infusion in scleroderma",
    "Autologous stem cell transplantation for systemic sclerosis",
    "Stromal vascular fraction grafting for systemic sclerosis digital ulcers",
]
IRRELEVANT = [
    "Beta blockers after myocardial infarction", "Statins and sepsis mortality",
    "Hand hygiene compliance in nursing homes", "Inhaled corticosteroids for asthma in children",
    "Dietary patterns and type 2 diabetes", "Screening for colorectal cancer by colonoscopy",
    "Vitamin D supplements and falls in older adults", "Antibiotics for acute otitis media",
    "Exercise training in heart failure", "Smoking cessation with varenicline",
    "Knee replacement rehabilitation protocols", "Opioid prescribing after dental surgery",
]
NEW_RELEVANT = [
    "Mesenchymal stem cells improve skin score in systemic sclerosis",
    "Adipose derived stem cells for systemic sclerosis fibrosis of the hands",
]
NEW_IRRELEVANT = [
    "Statins for primary prevention of myocardial infarction",
    "Antibiotics in sepsis and mortality in intensive care",
]


def _ris(titles, tag):
    return "".join(
        f"TY  - JOUR\nTI  - {title}\nAB  - A study of {title.lower()}.\nPY  - 2020\n"
        f"DO  - 10.1000/{tag}{i}\nER  -\n\n" for i, title in enumerate(titles))


def _import_search(team, titles, tag):
    upload = SimpleUploadedFile(f"{tag}.ris", _ris(titles, tag).encode(),
                                content_type="application/octet-stream")
    search = search_services.search_preview(actor=team.users["owner"], review_id=team.review.id,
                                    upload=upload, source="pubmed")
    search_services.search_import_start(actor=team.users["owner"], review_id=team.review.id,
                                search_id=search.id)


def _item(review, title):
    return Item.objects.get(review=review, stage="ta", record__title=title)


def test_a_second_search_is_ranked_at_once_by_the_last_model(team,
                                                             django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _import_search(team, RELEVANT + IRRELEVANT, "a")
    assert Item.objects.filter(review=team.review, stage="ta").count() == 18
    for title in RELEVANT[:2]:
        for who in ("reviewer", "owner"):
            services.vote_cast(actor=team.users[who], item_id=_item(team.review, title).id,
                               decision="include")
    for title in IRRELEVANT[:4]:
        for who in ("reviewer", "owner"):
            services.vote_cast(actor=team.users[who], item_id=_item(team.review, title).id,
                               decision="exclude")
    items_prioritise_run(review_id=team.review.id)
    path = model_path(team.review.id)
    assert path.exists()
    trained = path.stat().st_mtime_ns

    with django_capture_on_commit_callbacks(execute=True):
        _import_search(team, NEW_RELEVANT + NEW_IRRELEVANT, "b")

    assert path.stat().st_mtime_ns == trained  # scored with the kept model, not retrained
    new = {t: _item(team.review, t) for t in NEW_RELEVANT + NEW_IRRELEVANT}
    assert all(new[t].priority > 0 for t in NEW_RELEVANT)
    queue = [i.record.title for i in selectors.queue_for_reviewer(
        user=team.users["adjudicator"], review=team.review, stage="ta")]
    # The new relevant-looking records come before the new irrelevant ones, and before the
    # irrelevant records that were waiting already.
    last_relevant = max(queue.index(t) for t in NEW_RELEVANT)
    assert last_relevant < min(queue.index(t) for t in NEW_IRRELEVANT)
    assert last_relevant < min(queue.index(t) for t in IRRELEVANT[4:])
    # And among the old records the model left waiting, they sit where their score puts them:
    # the old relevant ones still come before the old irrelevant ones.
    assert max(queue.index(t) for t in RELEVANT[2:]) < min(queue.index(t)
                                                           for t in IRRELEVANT[4:])


def test_without_a_model_new_records_wait_for_the_first_retrain(team,
                                                                django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _import_search(team, RELEVANT[:2] + IRRELEVANT[:2], "a")
    assert not model_path(team.review.id).exists()
    assert set(Item.objects.filter(review=team.review).values_list("priority", flat=True)) == {0.0}


def test_an_unreadable_model_is_dropped_and_a_retrain_queued(team,
                                                             django_capture_on_commit_callbacks,
                                                             monkeypatch):
    from screening.prioritisation import ranking, tasks
    from screening.prioritisation.services import items_score_new_run

    _trained(team, django_capture_on_commit_callbacks)
    path = model_path(team.review.id)
    queued, fits = [], []
    monkeypatch.setattr(tasks.items_prioritise, "delay", queued.append)
    fit_model = ranking.fit_model
    monkeypatch.setattr(ranking, "fit_model",
                        lambda *args, **kwargs: fits.append(1) or fit_model(*args, **kwargs))
    Item.objects.filter(review=team.review).update(priority=0)
    for _import in range(2):  # a second import before the retrain ran queues no second one
        path.write_bytes(b"not a model")
        with django_capture_on_commit_callbacks(execute=True):
            assert items_score_new_run(review_id=team.review.id, after_id=0) == 0
        assert not path.exists()
    assert queued == [team.review.id]
    assert fits == []  # the scoring run fitted nothing itself
    assert set(Item.objects.filter(review=team.review).values_list("priority", flat=True)) == {0}

    tasks.items_prioritise(team.review.id)  # the queued task, as the worker runs it
    assert fits and path.exists()
    assert _item(team.review, RELEVANT[3]).priority > _item(team.review, IRRELEVANT[7]).priority


def _trained(team, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _import_search(team, RELEVANT + IRRELEVANT, "a")
    for title, decision in [(RELEVANT[0], "include"), (RELEVANT[1], "include"),
                            (IRRELEVANT[0], "exclude"), (IRRELEVANT[1], "exclude")]:
        for who in ("reviewer", "owner"):
            services.vote_cast(actor=team.users[who], item_id=_item(team.review, title).id,
                               decision=decision)
    items_prioritise_run(review_id=team.review.id)


def _relevance(team, title, who="reviewer"):
    item = _item(team.review, title)
    url = f"/api/reviews/{team.review.id}/screening/items/{item.id}/"
    response = team.client(who).get(url)
    assert response.status_code == 200
    return response.json()["relevance"]


def test_relevance_is_hidden_until_the_owner_shows_it(team, django_capture_on_commit_callbacks):
    from django.urls import reverse

    from reviews.models import AuditEvent

    _trained(team, django_capture_on_commit_callbacks)
    screen_url = reverse("screening_screen", kwargs={"review_id": team.review.id, "stage": "ta"})
    assert _relevance(team, RELEVANT[3]) is None
    assert 'id="rec-relevance"' not in team.client("reviewer").get(screen_url).content.decode()
    settings_url = reverse("screening_settings", kwargs={"review_id": team.review.id})
    form = {"maybe_advances": "on", "reasons": "Other", "stop_recall_target": "0.95",
            "stop_confidence": "0.95", "show_relevance": "on"}
    assert team.client("reviewer").post(settings_url, form).status_code == 403
    assert _relevance(team, RELEVANT[3]) is None
    assert team.client("owner").post(settings_url, form).status_code == 302
    event = AuditEvent.objects.filter(review=team.review, verb="screening.settings").last()
    assert (event.before["show_relevance"], event.after["show_relevance"]) == (False, True)
    relevant, irrelevant = _relevance(team, RELEVANT[3]), _relevance(team, IRRELEVANT[7])
    assert 0 <= irrelevant < relevant <= 1
    assert 'id="rec-relevance"' in team.client("reviewer").get(screen_url).content.decode()


def test_a_retrain_on_new_labels_rewrites_only_the_small_model(team,
                                                              django_capture_on_commit_callbacks):
    from screening.prioritisation.store import vectorizers_path as _vectorizers_path

    _trained(team, django_capture_on_commit_callbacks)
    vectorizers = _vectorizers_path(team.review.id)
    first = vectorizers.stat().st_mtime_ns
    for who in ("reviewer", "owner"):
        services.vote_cast(actor=team.users[who], item_id=_item(team.review, IRRELEVANT[2]).id,
                           decision="exclude")
    items_prioritise_run(review_id=team.review.id)
    assert vectorizers.stat().st_mtime_ns == first  # same records, same vocabulary
    assert _relevance_of(team, RELEVANT[3]) > _relevance_of(team, IRRELEVANT[7])
    # New records change the vocabulary: both files are written again, and still agree.
    with django_capture_on_commit_callbacks(execute=True):
        _import_search(team, NEW_RELEVANT, "b")
    items_prioritise_run(review_id=team.review.id)
    assert vectorizers.stat().st_mtime_ns != first
    assert _relevance_of(team, NEW_RELEVANT[0]) > _relevance_of(team, IRRELEVANT[7])


def test_the_vocabulary_is_read_once_while_retrains_keep_it(team,
                                                             django_capture_on_commit_callbacks,
                                                             monkeypatch):
    import joblib

    from screening.prioritisation.store import vectorizers_path as _vectorizers_path

    _trained(team, django_capture_on_commit_callbacks)
    vectorizers = _vectorizers_path(team.review.id)
    read = []
    real = joblib.load

    def counted(path, *args, **kwargs):
        read.append(path == vectorizers)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(joblib, "load", counted)
    before = _relevance_of(team, RELEVANT[3])
    for who in ("reviewer", "owner"):
        services.vote_cast(actor=team.users[who], item_id=_item(team.review, IRRELEVANT[2]).id,
                           decision="exclude")
    items_prioritise_run(review_id=team.review.id)  # new labels, same records
    after = _relevance_of(team, RELEVANT[3])
    assert after is not None and after != before  # the new model scored it
    assert read.count(True) <= 1  # ... with the vocabulary read at most once
    assert read.count(False) >= 1  # while the retrained model itself was read again


def test_an_unusable_model_is_read_once_until_a_retrain_replaces_it(
        team, django_capture_on_commit_callbacks, monkeypatch):
    import joblib

    from screening.prioritisation import selectors as prioritisation_selectors

    _trained(team, django_capture_on_commit_callbacks)
    path = model_path(team.review.id)
    kept = joblib.load(path)
    reads = []
    load_scorer = prioritisation_selectors.load_scorer
    monkeypatch.setattr(prioritisation_selectors, "load_scorer",
                        lambda review_id: reads.append(review_id) or load_scorer(review_id))

    def replace(write):  # as the store writes: aside, then renamed into place
        aside = path.with_suffix(".test")
        write(aside)
        aside.replace(path)

    replace(lambda aside: aside.write_bytes(b"not a model"))
    assert [_relevance_of(team, RELEVANT[3]) for _view in range(3)] == [None] * 3
    assert len(reads) == 1  # the damaged file was read once, not on every view
    # A model whose vectorisers were since replaced by another retrain's: unusable too.
    replace(lambda aside: joblib.dump({**kept, "stamp": "another retrain"}, aside))
    assert [_relevance_of(team, RELEVANT[3]) for _view in range(3)] == [None] * 3
    assert len(reads) == 2
    items_prioritise_run(review_id=team.review.id)  # the next retrain writes a usable file
    assert _relevance_of(team, RELEVANT[3]) > _relevance_of(team, IRRELEVANT[7])
    assert len(reads) == 3


def _relevance_of(team, title):
    from screening.prioritisation.ranking import record_text
    from screening.prioritisation.selectors import relevance_of

    record = _item(team.review, title).record
    return relevance_of(team.review.id, [record_text(record.title, record.abstract, None)])[0]
