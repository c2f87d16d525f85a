"""The installable shell: web app manifest, service worker and offline page."""
