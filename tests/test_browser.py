"""The site in a real headless Chromium, against granian (what `policykg serve` runs) on 127.0.0.1.

The query page runs an example query in YASGUI and shows its rows; a measure page shows
its text with its agencies marked; no page asks any host other than this server for
anything. Screenshots go to the system temp folder (policykg-*.png) for a human look
at the Chinese rendering. Needs Debian's chromium and chromium-driver.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
DOC = "/id/doc/晋政办发/2022/77"
SHOTS = Path(tempfile.gettempdir())

# Checked before any fixture runs: no server is started when the browser is missing.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()),
        reason="Debian's chromium and chromium-driver are not installed",
    ),
]


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium through chromedriver, with a fresh profile and network logging."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="policykg-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--window-size=1280,1800",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def requested_urls(driver) -> list[str]:
    """The URLs the page asked for since the log was last read (DevTools Network events)."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def outside_requests(urls: list[str], base: str) -> list[str]:
    """Requests to any host but the server under test (data: and blob: URLs are local)."""
    here = urlsplit(base).netloc
    return [
        u
        for u in urls
        if urlsplit(u).scheme in ("http", "https", "ws", "wss") and urlsplit(u).netloc != here
    ]


def wait_for(driver, condition, timeout: float = 20.0):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(condition)


def test_query_page_runs_an_example_and_shows_its_rows(bundled_server, browser):
    from selenium.webdriver.common.by import By

    browser.get(bundled_server + "/query")
    requested_urls(browser)  # drop what the page load asked for; checked below
    wait_for(browser, lambda d: d.execute_script("return !!window.policykgYasgui"))
    example = browser.find_element(By.CSS_SELECTOR, 'a.example[data-name="cq01-documents"]')
    example.click()
    rows = wait_for(
        browser,
        lambda d: [
            r
            for r in d.find_elements(By.CSS_SELECTOR, ".yasr table tbody tr")
            if "晋政办发〔2022〕77号" in r.text
        ],
    )
    assert rows, "the example's result rows are not shown"
    table_text = browser.find_element(By.CSS_SELECTOR, ".yasr table").text
    assert "山西省进一步释放消费潜力促进消费持续恢复的实施方案" in table_text
    assert "国办发〔2022〕9号" in table_text
    editor = browser.execute_script("return window.policykgYasgui.getTab().getQuery()")
    assert "cq01" in editor and "SELECT" in editor
    browser.save_screenshot(str(SHOTS / "policykg-query.png"))


def test_query_page_asks_no_other_host(bundled_server, browser):
    from selenium.webdriver.common.by import By

    browser.get(bundled_server + "/query")
    browser.execute_script("window.localStorage.clear()")  # the editor caches the prefix list
    requested_urls(browser)
    browser.refresh()
    wait_for(browser, lambda d: d.execute_script("return !!window.policykgYasgui"))
    browser.find_element(By.CSS_SELECTOR, 'a.example[data-name="cq03-responsibilities"]').click()
    wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".yasr table tbody tr"))
    # type a prefix so that the prefix completer runs: it must offer the graph's prefixes,
    # read from this server
    browser.execute_script(
        "var y = window.policykgYasgui.getTab().getYasqe();"
        "y.setValue('PREFIX pk'); y.setCursor({line: 0, ch: 9}); y.autocomplete();"
    )
    hints = wait_for(
        browser,
        lambda d: [e.text for e in d.find_elements(By.CSS_SELECTOR, ".CodeMirror-hints li")],
    )
    assert "pkg: <https://w3id.org/policykg/ontology#>" in hints
    assert "pkid: <https://w3id.org/policykg/id/>" in hints
    urls = requested_urls(browser)
    assert any(u.endswith("/sparql") for u in urls), urls
    assert any(u.endswith("/query/prefixes.json") for u in urls), urls
    assert outside_requests(urls, bundled_server) == []


def test_result_links_open_pages_here(bundled_server, browser):
    from selenium.webdriver.common.by import By

    browser.get(bundled_server + "/query")
    wait_for(browser, lambda d: d.execute_script("return !!window.policykgYasgui"))
    browser.find_element(By.CSS_SELECTOR, 'a.example[data-name="cq01-documents"]').click()
    link = wait_for(
        browser,
        lambda d: [
            a
            for a in d.find_elements(By.CSS_SELECTOR, ".yasr table tbody a[href]")
            if a.get_attribute("href").startswith("https://w3id.org/policykg/id/doc/")
        ],
    )[0]
    # a click event, as a user's (YASR may lay a tooltip over the cell)
    browser.execute_script("arguments[0].scrollIntoView(); arguments[0].click();", link)
    wait_for(browser, lambda d: d.current_url.startswith(bundled_server + "/id/doc/"))
    assert browser.find_element(By.TAG_NAME, "h1").text


def test_measure_page_shows_its_text_and_agencies(bundled_server, browser):
    from selenium.webdriver.common.by import By

    browser.get("about:blank")
    requested_urls(browser)
    browser.get(bundled_server + quote(DOC + "/item/1/measure/4"))
    text = browser.find_element(By.ID, "measure-text").text
    assert "失业保险总费率继续按照1%" in text
    assert "省人社厅、省财政厅、省税务局按职责分工负责" in text
    marked = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#measure-text .mark-agency")]
    assert marked == ["省人社厅", "省财政厅", "省税务局"]
    table = browser.find_element(By.ID, "responsibilities").text
    for agency in ("山西省人力资源和社会保障厅", "山西省财政厅", "国家税务总局山西省税务局"):
        assert agency in table
    quantities = [
        e.text for e in browser.find_elements(By.CSS_SELECTOR, "#measure-text .mark-quantity")
    ]
    assert quantities == ["1%", "0.7%", "0.3%", "提高至90%", "提高至50%"]
    assert outside_requests(requested_urls(browser), bundled_server) == []
    browser.save_screenshot(str(SHOTS / "policykg-measure.png"))


@pytest.mark.parametrize(
    "path,name",
    [
        (DOC, "document"),
        ("/id/agency/山西省财政厅", "agency"),
        ("/", "landing"),
        ("/ontology", "ontology"),
    ],
)
def test_pages_render_and_stay_local(bundled_server, browser, path, name):
    from selenium.webdriver.common.by import By

    browser.get("about:blank")
    requested_urls(browser)
    browser.get(bundled_server + quote(path))
    assert browser.find_element(By.TAG_NAME, "h1").text
    assert browser.execute_script("return document.documentElement.lang") == "zh"
    assert outside_requests(requested_urls(browser), bundled_server) == []
    browser.save_screenshot(str(SHOTS / f"policykg-{name}.png"))


def test_a_page_opens_its_own_sparql_on_the_query_page(bundled_server, browser):
    from selenium.webdriver.common.by import By

    browser.get(bundled_server + quote("/id/agency/山西省财政厅"))
    browser.find_element(By.ID, "page-sparql").click()
    wait_for(browser, lambda d: d.current_url.startswith(bundled_server + "/query?query="))
    cells = wait_for(
        browser,
        lambda d: [
            c.text
            for c in d.find_elements(By.CSS_SELECTOR, ".yasr table tbody td")
            if "山西省财政厅" in c.text
        ],
    )
    assert cells, "the DESCRIBE answer is not shown"


def test_query_page_draws_a_chart_of_the_numeric_columns(bundled_server, browser):
    import httpx
    from selenium.webdriver.common.by import By

    query = (
        Path(__file__).parent.parent / "server" / "queries" / "cross" / "measures-per-agency.rq"
    ).read_text(encoding="utf-8")
    expected = httpx.post(
        bundled_server + "/sparql",
        data={"query": query},
        headers={"Accept": "application/sparql-results+json"},
    ).json()
    rows = expected["results"]["bindings"]
    browser.get(bundled_server + "/query")
    requested_urls(browser)
    wait_for(browser, lambda d: d.execute_script("return !!window.policykgYasgui"))
    browser.find_element(By.CSS_SELECTOR, 'a.example[data-name="measures-per-agency"]').click()
    wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".yasr table tbody tr"))
    browser.find_element(By.CSS_SELECTOR, ".yasr_btn.select_chart").click()
    bars = wait_for(
        browser,
        lambda d: d.find_elements(By.CSS_SELECTOR, "svg.policykg-chart rect.policykg-chart-bar"),
    )
    drawn = min(len(rows), 60)
    assert len(bars) == 2 * drawn  # ?leads and ?shares, one bar each a row
    labels = [
        e.text
        for e in browser.find_elements(
            By.CSS_SELECTOR, "svg.policykg-chart text.policykg-chart-row"
        )
    ]
    assert labels[0] == rows[0]["name"]["value"]  # in the answer's order, labelled by ?name
    # the longest bar is the largest value, drawn at full width
    widths = [float(b.get_attribute("width")) for b in bars]
    values = [int(r[v]["value"]) for r in rows[:drawn] for v in ("leads", "shares")]
    assert widths.index(max(widths)) == values.index(max(values))
    assert outside_requests(requested_urls(browser), bundled_server) == []
    browser.save_screenshot(str(SHOTS / "policykg-chart.png"))


def test_pages_break_no_rule_of_the_content_security_policy(bundled_server, browser):
    """Every answer carries a CSP that allows only the service's own scripts; the pages, the
    query page's YASGUI and its chart work within it (no violation reported)."""
    from selenium.webdriver.common.by import By

    browser.get_log("browser")  # drop what earlier tests left
    for path in ("/", "/id/doc/晋政办发/2022/77", "/ontology"):
        browser.get(bundled_server + path)
    browser.get(bundled_server + "/query")
    wait_for(browser, lambda d: d.execute_script("return !!window.policykgYasgui"))
    browser.find_element(By.CSS_SELECTOR, 'a.example[data-name="measures-per-agency"]').click()
    wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".yasr table tbody tr"))
    violations = [
        e["message"]
        for e in browser.get_log("browser")
        if "Content Security Policy" in e["message"]
    ]
    assert violations == []


def test_a_browsers_get_of_sparql_shows_the_query_page(bundled_server, browser):
    from selenium.webdriver.common.by import By

    browser.get(bundled_server + "/sparql")
    wait_for(browser, lambda d: urlsplit(d.current_url).path == "/query")
    assert "SPARQL" in browser.find_element(By.TAG_NAME, "h1").text
    wait_for(browser, lambda d: d.execute_script("return !!window.policykgYasgui"))


def test_the_editor_opens_with_the_projects_query_whatever_was_stored(bundled_server, browser):
    import httpx

    first = httpx.get(bundled_server + "/query").text
    assert "cq01-documents" in first
    generic = "SELECT * WHERE { ?sub ?pred ?obj . } LIMIT 10"
    browser.get(bundled_server + "/query")
    # what YASGUI would have persisted on an earlier visit, under its default keys
    browser.execute_script(
        "for (const k of ['yagui_yasgui', 'yasqe_yasgui_query', 'yasr_yasgui']) {"
        " localStorage.setItem(k, JSON.stringify({value: arguments[0]})); }",
        generic,
    )
    browser.get(bundled_server + "/query")
    wait_for(browser, lambda d: d.execute_script("return !!window.policykgYasgui"))
    editor = browser.execute_script("return window.policykgYasgui.getTab().getQuery()")
    assert editor.startswith("# cq01") and "pkg:PolicyDocument" in editor
    assert "?sub ?pred ?obj" not in editor
    stored = browser.execute_script("return Object.keys(localStorage)")
    # the page itself stores nothing (the three keys are the ones set above)
    assert set(stored) == {"yagui_yasgui", "yasqe_yasgui_query", "yasr_yasgui"}
    browser.execute_script("localStorage.clear()")


def test_the_table_shows_plain_values_with_the_datatype_on_hover(bundled_server, browser):
    from selenium.webdriver.common.by import By

    browser.get(bundled_server + "/query")
    wait_for(browser, lambda d: d.execute_script("return !!window.policykgYasgui"))
    query = (
        "PREFIX dct: <http://purl.org/dc/terms/> "
        "SELECT ?title (STRLEN(?title) AS ?length) WHERE { ?d a "
        "<https://w3id.org/policykg/ontology#PolicyDocument> ; dct:title ?title } LIMIT 3"
    )
    browser.execute_script(
        "const tab = window.policykgYasgui.getTab(); tab.setQuery(arguments[0]); tab.query();",
        query,
    )
    spans = wait_for(
        browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".yasr table tbody span.literal")
    )
    by_title: dict[str, list] = {}
    for span in spans:
        by_title.setdefault(span.get_attribute("title"), []).append(span)
    numbers = by_title["xsd:integer"]
    assert numbers and all(s.text.isdigit() for s in numbers)  # "4", not "4"^^<…#integer>
    titles = by_title["@zh"]
    assert any("实施方案" in s.text for s in titles)
    assert not any('"' in s.text or "^^" in s.text for s in spans)
    widths = browser.execute_script(
        "return [...document.querySelectorAll('.yasr table tbody td')]"
        ".filter(td => /[\\u4e00-\\u9fff]/.test(td.textContent))"
        ".map(td => [td.scrollWidth, td.clientWidth])"
    )
    assert widths and all(scroll <= client + 1 for scroll, client in widths)  # nothing cut
    browser.save_screenshot(str(SHOTS / "policykg-query-plain-values.png"))
