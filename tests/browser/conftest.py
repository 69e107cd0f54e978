"""Headless Chromium for the browser tests, through Playwright's sync API and the system's chromium."""

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Dialog, Page, sync_playwright

# Playwright's sync API keeps an asyncio event loop running in the test thread, so Django takes the
# test's own (synchronous) ORM calls for calls from async code and raises SynchronousOnlyOperation.
# The live server answers in its own thread; only the test thread needs the check relaxed.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

# Playwright's own browser download is not used: the distribution's chromium is.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Set to a folder to keep screenshots of the pages the tests visit (for a human to look at).
SCREENSHOT_DIR = os.environ.get("ACCORD_SCREENSHOT_DIR", "")


@dataclass
class BrowserTab:
    """A page plus what it reported: any JavaScript dialog or error fails the test that checks it."""

    page: Page
    base_url: str
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def goto(self, path: str) -> None:
        self.page.goto(self.base_url + path)

    def screenshot(self, name: str) -> None:
        if SCREENSHOT_DIR:
            self.page.screenshot(path=str(Path(SCREENSHOT_DIR) / f"{name}.png"), full_page=True)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            headless=True,
            executable_path=str(CHROMIUM) if CHROMIUM.exists() else None,
            args=CHROMIUM_ARGS,
        )
        yield browser
        browser.close()


def _open_tab(chromium: Browser, base_url: str, *, javascript: bool) -> Iterator[BrowserTab]:
    context = chromium.new_context(viewport={"width": 1360, "height": 900}, java_script_enabled=javascript)
    context.set_default_timeout(10_000)
    page = context.new_page()
    tab = BrowserTab(page=page, base_url=base_url)

    def on_dialog(dialog: Dialog) -> None:
        tab.dialogs.append(dialog.message)
        dialog.dismiss()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            tab.errors.append(message.text)

    page.on("dialog", on_dialog)
    page.on("console", on_console)
    page.on("pageerror", lambda error: tab.errors.append(str(error)))
    yield tab
    context.close()


@pytest.fixture
def tab(chromium: Browser, live_server: object) -> Iterator[BrowserTab]:
    yield from _open_tab(chromium, str(live_server.url), javascript=True)  # type: ignore[attr-defined]


@pytest.fixture
def tab_without_javascript(chromium: Browser, live_server: object) -> Iterator[BrowserTab]:
    yield from _open_tab(chromium, str(live_server.url), javascript=False)  # type: ignore[attr-defined]
