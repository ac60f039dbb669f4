"""The pages in headless Chromium (Debian's chromium + chromium-driver): leaderboard, login, an upload
through the form, and screenshots that must not be blank."""

import io
import os
import shutil
import time

import numpy as np
import pytest
from PIL import Image

pytestmark = pytest.mark.browser
CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"


@pytest.fixture
def browser(tmp_path):
    if not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)):
        pytest.fail("Debian's chromium and chromium-driver are needed (`make sysdeps`)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1400,900",
                 f"--user-data-dir={tmp_path / 'chrome-profile'}"):
        opts.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def assert_not_blank(png: bytes, out) -> None:
    img = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
    out.write_bytes(png)
    assert img.shape[0] > 300 and img.shape[1] > 600
    colors = len(np.unique(img.reshape(-1, 3), axis=0))
    assert colors > 20 and img.std() > 10, f"screenshot {out} looks blank ({colors} colours)"


def test_leaderboard_and_upload_in_chromium(browser, tmp_path, server_factory, sub_zips, kit):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import Select, WebDriverWait

    db_url = f"sqlite:///{tmp_path / 'server.db'}"
    tokens = kit.setup_challenge(db_url)
    server = server_factory(db_url, "--workers", "1", "--poll", "0.2")
    sid = kit.upload(server.url, tokens["alpha"], sub_zips["better"], method_name="DAFormer <b>bold</b>").json()["id"]
    assert kit.wait_status(server.url, tokens["alpha"], sid)["status"] == "scored"

    browser.get(server.url + "/")
    rows = browser.find_elements(By.CSS_SELECTOR, "#leaderboard tr")
    assert len(rows) == 2 and "alpha" in rows[1].text and "DAFormer <b>bold</b>" in rows[1].text
    assert browser.find_elements(By.CSS_SELECTOR, "#leaderboard b b") == []  # the name is text, not markup
    assert_not_blank(browser.get_screenshot_as_png(), tmp_path / "leaderboard.png")

    browser.get(server.url + "/login")
    browser.find_element(By.ID, "token").send_keys(tokens["beta"])
    browser.find_element(By.ID, "login").click()
    WebDriverWait(browser, 60).until(EC.url_contains("/team"))
    assert browser.find_element(By.ID, "team-name").text == "beta"
    browser.get(server.url + "/upload")
    Select(browser.find_element(By.ID, "phase")).select_by_value("val")
    browser.find_element(By.ID, "method_name").send_keys("from chromium")
    browser.find_element(By.ID, "file").send_keys(str(sub_zips["good"]))
    browser.find_element(By.ID, "submit").click()
    WebDriverWait(browser, 60).until(EC.url_contains("/team"))  # redirected after the upload
    deadline = time.monotonic() + 90
    while "scored" not in browser.find_element(By.ID, "submissions").text and time.monotonic() < deadline:
        time.sleep(0.3)
        browser.refresh()
    table = browser.find_element(By.ID, "submissions").text
    assert "from chromium" in table and "scored" in table and "good.zip" in table
    val_row = browser.find_elements(By.CSS_SELECTOR, "#quota tr")[1].find_elements(By.TAG_NAME, "td")
    assert val_row[0].text == "val" and val_row[5].text == "4"  # 5 per day, one used
    assert_not_blank(browser.get_screenshot_as_png(), tmp_path / "team.png")

    browser.get(server.url + "/")
    assert len(browser.find_elements(By.CSS_SELECTOR, "#leaderboard tr")) == 3
    shot = tmp_path / "leaderboard2.png"
    assert_not_blank(browser.get_screenshot_as_png(), shot)
    if os.environ.get("ZW_KEEP_SCREENSHOTS"):
        for name in ("leaderboard.png", "team.png", "leaderboard2.png"):
            shutil.copy(tmp_path / name, os.environ["ZW_KEEP_SCREENSHOTS"])
