"""Links for a learner's browser: unchanged on a laptop, through jupyter-server-proxy on a
JupyterHub; and the posts app keeps the proxy's prefix in its links and redirects."""

import pytest

from edu_chain.lab.live import links
from edu_chain.lab.live.network import LocalNetwork
from edu_chain.webapp import create_app

HUB_VARS = ("JUPYTERHUB_SERVICE_PREFIX", "JUPYTERHUB_PUBLIC_URL", links.PREFIX_ENV)


@pytest.fixture
def laptop(monkeypatch):
    for name in HUB_VARS:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_on_a_laptop_every_link_is_the_address_itself(laptop):
    for url in ("http://127.0.0.1:5000", "http://127.0.0.1:5000/health?x=1", "http://a.b:1/"):
        assert links.browser_url(url) == url
    assert not links.behind_proxy()
    assert str(links.Link("http://127.0.0.1:8050/")) == "http://127.0.0.1:8050/"


def test_on_a_hub_local_servers_go_through_the_proxy(laptop):
    laptop.setenv("JUPYTERHUB_SERVICE_PREFIX", "/user/alice/")
    assert links.browser_url("http://127.0.0.1:5000") == "/user/alice/proxy/5000/"
    assert (
        links.browser_url("http://localhost:8000/health?format=json")
        == "/user/alice/proxy/8000/health?format=json"
    )
    assert links.browser_url("http://0.0.0.0:8000/chain") == "/user/alice/proxy/8000/chain"
    assert links.browser_url("http://10.1.2.3:8000/") == "http://10.1.2.3:8000/"  # not ours
    assert links.browser_url("http://127.0.0.1/") == "http://127.0.0.1/"  # no port

    laptop.setenv("JUPYTERHUB_PUBLIC_URL", "https://hub.example.org/user/alice/")
    assert (
        links.browser_url("http://127.0.0.1:5000/x")
        == "https://hub.example.org/user/alice/proxy/5000/x"
    )
    laptop.setenv("JUPYTERHUB_PUBLIC_URL", "https://hub.example.org/user/somebody-else/")
    assert links.browser_url("http://127.0.0.1:5000/x") == "/user/alice/proxy/5000/x"


def test_the_prefix_can_be_set_or_switched_off_by_hand(laptop):
    laptop.setenv("JUPYTERHUB_SERVICE_PREFIX", "/user/alice/")
    laptop.setenv(links.PREFIX_ENV, "")
    assert links.browser_url("http://127.0.0.1:5000") == "http://127.0.0.1:5000"
    laptop.setenv(links.PREFIX_ENV, "lab/server")
    assert links.browser_url("http://127.0.0.1:5000") == "/lab/server/proxy/5000/"


def test_link_and_embed_show_the_browser_address(laptop):
    laptop.setenv("JUPYTERHUB_SERVICE_PREFIX", "/user/a&b/")
    link = links.Link("http://127.0.0.1:5000/", "the <posts> app")
    assert link._repr_html_() == (
        '<a href="/user/a&amp;b/proxy/5000/" target="_blank" '
        'rel="noopener">the &lt;posts&gt; app</a>'
    )
    frame = links.embed("http://127.0.0.1:5000", height=300)
    assert frame.src == "/user/a&b/proxy/5000/" and 'height="300"' in frame._repr_html_()


def test_posts_app_behind_the_proxy_keeps_its_prefix():
    with LocalNetwork(1, difficulty=8, name="links webapp") as network:
        browser = create_app(network[0].url).test_client()
        prefix = {"X-Forwarded-Prefix": "/user/alice/proxy/5000"}
        page = browser.get("/", headers=prefix).get_data(as_text=True)
        assert 'action="/user/alice/proxy/5000/post"' in page
        assert 'href="/user/alice/proxy/5000/static/style.css' in page
        posted = browser.post("/post", data={"author": "al", "content": "hi"}, headers=prefix)
        assert posted.status_code == 303 and posted.headers["Location"] == "./"
        direct = browser.post("/mine")
        assert direct.status_code == 303 and direct.headers["Location"] == "/"
        assert 'action="/post"' in browser.get("/").get_data(as_text=True)
