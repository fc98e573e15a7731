// The printable page of an account or site: 打印 (no inline script under the CSP).
document.querySelectorAll("[data-print]").forEach((button) => button.addEventListener("click", () => window.print()));
