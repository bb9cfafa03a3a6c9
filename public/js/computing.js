// A results page that is being computed (503 with Retry-After): ask again after that many seconds
// and open the page once the server stops answering 503. Without JS the page has a link instead.
(function () {
  'use strict';
  var box = document.querySelector('[data-computing]');
  if (!box || !window.fetch) return;
  var seconds = Math.max(1, Number(box.getAttribute('data-computing')) || 5);
  var url = box.getAttribute('data-url') || location.href;
  function poll() {
    fetch(url, { method: 'HEAD', credentials: 'same-origin', cache: 'no-store' }).then(
      function (res) {
        if (res.status === 503) setTimeout(poll, seconds * 1000);
        else location.assign(url);
      },
      function () { setTimeout(poll, seconds * 1000); }
    );
  }
  setTimeout(poll, seconds * 1000);
})();
