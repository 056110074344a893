// Marks the page as having JavaScript (NHS.UK frontend styles key off these
// classes) and starts the NHS.UK components. A module file, not an inline
// script, so that the Content Security Policy needs no 'unsafe-inline'.
import { initAll } from "../vendor/nhsuk-frontend/nhsuk-frontend.min.js";

document.body.classList.add("js-enabled", "nhsuk-frontend-supported");
initAll();
