import { render } from "preact";
import { App } from "./App";
import "./styles/theme.css";
import "./styles/base.css";
import "./styles/auth.css";
import "./styles/layout.css";
import "./styles/shell.css";
import "./styles/settings.css";
import "./styles/controls.css";
import "./styles/inbox.css";
import "./styles/list-controls.css";
import "./styles/conversation.css";
import "./styles/messages.css";
import "./styles/composer.css";
import "./styles/timeline.css";
import "./styles/details.css";
import "./styles/calls.css";
import "./styles/team.css";
import "./styles/records.css";
import "./styles/canned.css";
import "./styles/contacts.css";
import "./styles/labels.css";
import "./styles/apiTokens.css";
import "./styles/inboxes.css";
import "./styles/webhooks.css";

import "./styles/push.css";
import { logFailure } from "../../shared/logFailure";
import { registerServiceWorker } from "./pwa/serviceWorker";

const root = document.getElementById("app");
if (root) render(<App />, root);
// The offline page and web push (see pwa/serviceWorker.ts).
registerServiceWorker()?.catch(logFailure("registering the service worker"));
