// Drives startScanner() directly and records what it reports, for the browser test to read.
// In "stop" mode it stops the scanner as soon as the camera shows, before any frame is read.
import { messages, startScanner } from "/static/js/scanner.js";

const video = document.querySelector("video");
const stopEarly = document.body.dataset.mode === "stop";
const report = { codes: [], statuses: [], errors: [], tracksEndedAfterStop: null, videoCleared: null };
window.scannerReport = report;

const controller = startScanner(video, (text) => {
  report.codes.push(text);
  report.videoCleared = video.srcObject === null;
}, {
  onStatus: (message) => {
    report.statuses.push(message);
    if (stopEarly && message === messages().aim) {
      const tracks = video.srcObject.getTracks();
      report.liveTracksBeforeStop = tracks.filter((track) => track.readyState === "live").length;
      controller.stop();
      report.tracksEndedAfterStop = tracks.every((track) => track.readyState === "ended");
      report.videoCleared = video.srcObject === null;
    }
  },
  onError: (message) => report.errors.push(message),
});
