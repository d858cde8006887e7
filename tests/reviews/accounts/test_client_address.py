"""The client's address behind a reverse proxy: X-Forwarded-For is believed only from a peer in
settings.TRUSTED_PROXIES, read from the right past the trusted hops; from anyone else it is
ignored, so a client cannot choose the address it is throttled and logged by."""
import pytest
from django.test import Client, RequestFactory, override_settings

from reviews.accounts.throttle import address_of

PROXY = ["127.0.0.1"]


def _address(remote, forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return address_of(RequestFactory().get("/", REMOTE_ADDR=remote, **extra))


def test_without_trusted_proxies_the_header_is_ignored():
    assert _address("127.0.0.1", "203.0.113.9") == "127.0.0.1"


@override_settings(TRUSTED_PROXIES=PROXY)
def test_an_untrusted_peer_cannot_spoof_its_address():
    assert _address("198.51.100.7", "203.0.113.9") == "198.51.100.7"


@override_settings(TRUSTED_PROXIES=PROXY)
def test_from_a_trusted_proxy_the_client_is_the_address_it_forwarded():
    assert _address("127.0.0.1", "203.0.113.9") == "203.0.113.9"


@override_settings(TRUSTED_PROXIES=PROXY)
def test_a_client_written_entry_left_of_the_proxys_is_not_taken():
    # The client sent "X-Forwarded-For: 192.0.2.1"; nginx appended the peer it saw.
    assert _address("127.0.0.1", "192.0.2.1, 203.0.113.9") == "203.0.113.9"


@override_settings(TRUSTED_PROXIES=["127.0.0.1", "10.1.2.3"])
def test_a_chain_of_trusted_proxies_gives_the_rightmost_untrusted_address():
    # client -> load balancer 10.1.2.3 -> nginx 127.0.0.1 -> gunicorn
    assert _address("127.0.0.1", "192.0.2.1, 203.0.113.9, 10.1.2.3") == "203.0.113.9"


@override_settings(TRUSTED_PROXIES=["127.0.0.1", "10.0.0.0/8"])
def test_a_cidr_network_trusts_every_address_in_it():
    assert _address("10.200.0.4", "203.0.113.9, 10.3.3.3") == "203.0.113.9"
    assert _address("11.0.0.1", "203.0.113.9") == "11.0.0.1"


@pytest.mark.parametrize("header", [None, "", "not-an-address", "203.0.113.9:443", " , ",
                                    "203.0.113.9, garbage"])
@override_settings(TRUSTED_PROXIES=PROXY)
def test_a_missing_or_unreadable_header_falls_back_to_the_peer(header):
    assert _address("127.0.0.1", header) == "127.0.0.1"


@override_settings(TRUSTED_PROXIES=PROXY)
def test_a_header_of_trusted_hops_only_falls_back_to_the_peer():
    assert _address("127.0.0.1", "127.0.0.1") == "127.0.0.1"


@override_settings(TRUSTED_PROXIES=["127.0.0.1"])
def test_ipv6_and_ipv4_mapped_peers_are_read():
    assert _address("::ffff:127.0.0.1", "2001:DB8::1") == "2001:db8::1"
    assert _address("::ffff:198.51.100.7", "203.0.113.9") == "198.51.100.7"


# Through the login page: behind one proxy, each client has its own address count.

def _login(client_ip, username, password):
    return Client().post("/accounts/login/", {"username": username, "password": password},
                         REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=client_ip)


@override_settings(TRUSTED_PROXIES=PROXY, LOGIN_FAILURES_PER_ADDRESS=3,
                   LOGIN_FAILURES_PER_USER=100)
def test_behind_the_proxy_locking_one_client_does_not_lock_another(team):
    for name in ("a", "b", "c"):
        _login("203.0.113.9", name, "wrong")
    assert _login("203.0.113.9", "owner", "pw-owner").status_code == 429
    assert _login("203.0.113.10", "owner", "pw-owner").status_code == 302


@override_settings(TRUSTED_PROXIES=PROXY)
def test_the_account_event_keeps_the_forwarded_client(team):
    from reviews.models import AccountEvent

    assert _login("203.0.113.9", "reviewer", "pw-reviewer").status_code == 302
    assert _login("203.0.113.10", "reviewer", "wrong").status_code == 200
    events = AccountEvent.objects.filter(user=team.users["reviewer"])
    assert events.get(verb="sign-in").ip == "203.0.113.9"
    assert events.get(verb="sign-in.fail").ip == "203.0.113.10"
