// Sign in with the name and password set by `pantau users add --password-stdin` (or the
// one `pantau demo` prints).
import { ApiError } from "../api";
import { h, replace } from "../dom";
import { signIn, type Me } from "../session";

export function signInPage(done: (me: Me) => void): HTMLElement {
  const name = h("input", { id: "signin-name", name: "username", autocomplete: "username",
    required: true, maxlength: 64 });
  const password = h("input", { id: "signin-password", name: "password", type: "password",
    autocomplete: "current-password", required: true, maxlength: 1024 });
  const message = h("p", { id: "signin-message", role: "alert" });
  const button = h("button", { type: "submit", id: "signin-submit" }, "Sign in");
  const form = h("form", { class: "panel signin", "aria-labelledby": "signin-title",
    onsubmit: (e: Event) => {
      e.preventDefault();
      button.disabled = true;
      replace(message);
      signIn(name.value.trim(), password.value).then(done).catch((err: unknown) => {
        replace(message, err instanceof ApiError ? err.detail : String(err));
        password.value = "";
        password.focus();
      }).finally(() => { button.disabled = false; });
    } },
  h("h1", { id: "signin-title" }, "Sign in to pantau"),
  h("label", { for: "signin-name" }, "User name"), name,
  h("label", { for: "signin-password" }, "Password"), password,
  button, message);
  queueMicrotask(() => name.focus());
  return h("div", { class: "page center" }, form);
}
