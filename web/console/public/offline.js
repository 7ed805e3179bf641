// The offline page (served by the service worker when the network is gone): back to the console as
// soon as the browser says the network is back. A file, not an inline script: the CSP allows only 'self'.
window.addEventListener("online", () => location.replace("/console/"));
