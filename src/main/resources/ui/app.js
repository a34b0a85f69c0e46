// Small enhancements only; every page works without them.
document.addEventListener('click', (e) => {
  const button = e.target.closest('[data-copy]');
  if (!button) return;
  navigator.clipboard?.writeText(button.dataset.copy).then(() => { button.textContent = 'Copied'; });
});
// Live timeline: the page names an SSE URL and a fragment URL; each new message reloads the fragment.
const live = document.querySelector('[data-live]');
if (live && window.EventSource) {
  const source = new EventSource(live.dataset.live);
  let pending = null;
  const refresh = () => {
    pending = pending || setTimeout(async () => {
      pending = null;
      const response = await fetch(live.dataset.fragment, { credentials: 'same-origin' });
      if (response.ok) live.innerHTML = await response.text();
    }, 150);
  };
  source.addEventListener('message', refresh);
  source.onmessage = refresh;
}
