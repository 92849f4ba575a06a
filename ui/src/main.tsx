// Edit Factory UI entry point.
import { render } from "solid-js/web";
import { App } from "./App";
import { loadAppInfo, showError } from "./stores/app";
import { startJobs } from "./stores/jobs";
import { loadProfiles } from "./stores/library";
import "./stores/imports";
import "./style.css";

async function start(): Promise<void> {
  const root = document.getElementById("app");
  if (!root) throw new Error("the page has no #app element");
  render(() => <App />, root);
  await loadAppInfo();
  await startJobs();
  await loadProfiles();
  document.body.dataset.ready = "true";
}

start().catch((error) => showError(error, "Edit Factory could not start"));
