"""JavaScript the lesson browser test and docs/make_screenshots.py share."""


def settled(ms: int) -> str:
    """A predicate for ``page.wait_for_function``: the script idle and the lesson bar's
    Next button in place for ``ms`` ms running (a page's first run may be followed by a
    rerun that briefly takes the elements away)."""
    return """() => {
  const idle = document.querySelector('[data-testid="stApp"]')?.getAttribute('data-test-script-state')
               === 'notRunning' && !!document.querySelector('.st-key-lesson_next button');
  const now = performance.now();
  if (!idle) { window.__settledSince = null; return false; }
  window.__settledSince = window.__settledSince || now;
  return now - window.__settledSince > %d;
}""" % ms
