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
import "./styles/details.css";
import "./styles/calls.css";

const root = document.getElementById("app");
if (root) render(<App />, root);
