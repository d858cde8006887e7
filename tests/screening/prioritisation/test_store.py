"""What a process keeps per review between reads of the kept model."""
from screening.prioritisation.store import PerReview


def test_a_value_is_served_only_under_its_stamp():
    held = PerReview(size=2)
    assert held.put(1, "a", "model a") == "model a"
    assert held.get(1, "a") == "model a"
    assert held.get(1, "b") is None  # the file changed: read it again
    assert held.get(2, "a", default="unknown") == "unknown"
    held.put(1, "b", None)  # an unusable file is kept as such, told apart from nothing held
    assert held.get(1, "b", default="unknown") is None


def test_past_its_size_it_starts_over():
    held = PerReview(size=2)
    held.put(1, "a", 1)
    held.put(2, "a", 2)
    held.put(2, "b", 3)  # a review already held takes no more room
    assert (held.get(1, "a"), held.get(2, "b")) == (1, 3)
    held.put(3, "a", 4)
    assert (held.get(1, "a"), held.get(2, "b"), held.get(3, "a")) == (None, None, 4)
