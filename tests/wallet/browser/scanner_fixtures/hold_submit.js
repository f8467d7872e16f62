// Keeps the page after the scanner submits its form, so the test can read the page's state.
window.submissions = [];
document.addEventListener("submit", (event) => {
  event.preventDefault();
  window.submissions.push(Object.fromEntries(new FormData(event.target)));
});
