// keybridge dashboard: the only script. No inline scripts anywhere (the Content-Security-Policy forbids them).
(function () {
  'use strict';

  // A revoke button stays disabled until the key's name has been typed (the server checks it again).
  document.querySelectorAll('[data-confirmed-by]').forEach(function (button) {
    var input = document.getElementById(button.getAttribute('data-confirmed-by'));
    if (!input) return;
    var update = function () { button.disabled = input.value.trim() !== input.getAttribute('data-must-equal'); };
    input.addEventListener('input', update);
    update();
  });

  // An emergency run's progress: fetch the progress block every second while the run is RUNNING.
  function poll() {
    var section = document.getElementById('progress');
    if (!section || !section.getAttribute('data-poll')) return;
    setTimeout(function () {
      fetch(section.getAttribute('data-poll'), { credentials: 'same-origin', headers: { 'Accept': 'text/html' } })
        .then(function (response) {
          // signed out meanwhile (the answer is the sign-in page): reload, which shows it properly
          if (response.redirected) { window.location.reload(); return null; }
          if (!response.ok) throw new Error(String(response.status));
          return response.text();
        })
        .then(function (html) { if (html !== null) { section.outerHTML = html; poll(); } })
        .catch(function () { poll(); });
    }, 1000);
  }
  poll();
})();
