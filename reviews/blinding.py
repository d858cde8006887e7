"""The one blinding policy every channel asks: who may see a judgement before making their own.

The rule: nobody who may still judge a record (or, in extraction and risk of bias, a study)
sees another person's judgement of it, or anything derived from it, before submitting their
own or before the owner unblinds the stage. Each stage that holds judgements knows which
object an audit event judges and whether a member may see it, so it registers a resolver here
for the verbs it writes (reviews may not import the later apps; they register with it):

    blinding.register("vote.", hidden_vote_events)

A resolver takes the viewing membership and a batch of events whose verb starts with its
prefix, and returns the ids of the events that must be shown redacted. Pages, the CSV export
and the API of the audit log all read events through `redact_events`.
"""

from django.utils.translation import gettext_lazy as _

# The keys of an event that name what was judged, not the judgement: they stay readable.
KEPT_KEYS = frozenset({"item", "stage", "study", "record"})

_resolvers = {}


def hidden_text():
    return str(_("hidden until you vote"))


def register(prefix, resolver):
    """Register `resolver(*, membership, events) -> set of event ids to hide` for every
    event whose verb starts with `prefix`. Registering the same prefix again replaces it."""
    _resolvers[prefix] = resolver


def registered_prefixes():
    return tuple(_resolvers)


def hidden_event_ids(events, *, membership):
    """The ids of the events that carry a judgement this member may not see yet. A resolver
    registered for several prefixes (screening's, for votes, items and conflicts) is asked
    once, with all its events: each call reads the database, and a record page asked it
    three times."""
    batches = {}
    for prefix, resolver in _resolvers.items():
        batch = batches.setdefault(resolver, {})
        batch.update((e.id, e) for e in events if e.verb.startswith(prefix))
    hidden = set()
    for resolver, batch in batches.items():
        if batch:
            hidden |= set(resolver(membership=membership, events=list(batch.values())))
    return hidden


def redact(payload):
    """A before/after payload with every judgement replaced; what was judged stays."""
    if not isinstance(payload, dict):
        return payload if payload is None else hidden_text()
    return {k: (v if k in KEPT_KEYS else hidden_text()) for k, v in payload.items()}


def redact_events(events, *, membership):
    """The events as this member may see them, in the same order. Each gets `redacted`;
    a redacted event's before and after are replaced in memory (events are never saved
    again: the audit log is append-only)."""
    events = list(events)
    hidden = hidden_event_ids(events, membership=membership)
    for event in events:
        event.redacted = event.id in hidden
        if event.redacted:
            event.before, event.after = redact(event.before), redact(event.after)
    return events


def redact_stream(events, *, membership, chunk=500):
    """`redact_events` over a long queryset (the CSV export), a chunk at a time."""
    batch = []
    for event in events.iterator(chunk_size=chunk):
        batch.append(event)
        if len(batch) >= chunk:
            yield from redact_events(batch, membership=membership)
            batch = []
    if batch:
        yield from redact_events(batch, membership=membership)
