import { render } from "preact";
import { MiniApp } from "./MiniApp";
import "../styles/theme.css";
import "../styles/base.css";
import "./miniapp.css";

const root = document.getElementById("app");
if (root) render(<MiniApp />, root);
