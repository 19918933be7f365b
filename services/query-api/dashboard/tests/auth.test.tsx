import { cleanup, render } from "@testing-library/preact";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

// The session is read when the module loads (as on a page load), so each case stores its own
// first and imports the app afresh.
async function appWith(session: Record<string, unknown> | null) {
  sessionStorage.clear();
  if (session) sessionStorage.setItem("mauzo.session", JSON.stringify(session));
  vi.resetModules();
  const { App } = await import("../src/app");
  return render(<App />);
}

const base = { username: "vera", accessToken: "t", refreshToken: null, expiresAt: Date.now() + 600_000, branches: null };
const nav = (c: Element) => [...c.querySelectorAll("nav a")].map((a) => a.textContent);

beforeEach(() => history.replaceState(null, "", "/overview"));
afterEach(cleanup);

describe("sign-in and roles", () => {
  it("opens on the sign-in form without a session", async () => {
    const { container, findByLabelText } = await appWith(null);
    expect(await findByLabelText("Username")).toBeTruthy();
    expect((await findByLabelText("Password")).getAttribute("type")).toBe("password");
    expect(container.querySelector("nav")).toBeNull();
  });
  it("offers a viewer the answer pages only", async () => {
    const { container } = await appWith({ ...base, role: "viewer" });
    expect(nav(container)).toEqual(["Overview", "Sales", "Products", "Branches", "Profitability", "Customers", "Returns"]);
    expect(container.textContent).toContain("vera · viewer");
  });
  it("offers an uploader the Data page, and an admin every page", async () => {
    expect(nav((await appWith({ ...base, role: "uploader" })).container)).toContain("Data");
    cleanup();
    const admin = nav((await appWith({ ...base, role: "admin" })).container);
    expect(admin).toEqual(expect.arrayContaining(["Explore", "Data", "Diagnostics", "Audit"]));
  });
  it("shows a branch-scoped user the scope", async () => {
    const { findByTestId } = await appWith({ ...base, role: "viewer", branches: ["Kisumu", "Eldoret"] });
    expect((await findByTestId("branch-scope")).textContent).toBe("Branches: Kisumu, Eldoret");
  });
  it("ignores a stored session with an unknown role", async () => {
    const { findByLabelText } = await appWith({ ...base, role: "root" });
    expect(await findByLabelText("Username")).toBeTruthy();
  });
});
