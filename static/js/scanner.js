// Camera QR scanner for importing a paper bill.
//
// The browser only reads the QR text; the server parses and verifies it, so the page
// works the same whether the text came from this camera, a photo or typed fields.
// BarcodeDetector is used where the phone has a working one; otherwise frames are
// decoded with the vendored jsQR (a classic script that sets window.jsQR), fetched only
// when a scan starts: most residents type or photograph, and 250 KB of decoder would
// otherwise hold up every opening of the import page on a slow network.
//
// Markup this module attaches to by itself (no inline script; CSP allows 'self' only):
//
//   <form method="post" action="...">
//     <input type="hidden" name="csrf_token" value="...">
//     <div data-qr-scanner>
//       <video muted playsinline></video>
//       <button type="button" data-qr-start>扫描二维码</button>   optional: without it the camera opens at once
//       <button type="button" data-qr-stop>停止扫描</button>      optional
//       <p data-qr-status role="status" aria-live="polite"></p>
//       <input type="hidden" name="qr_text" data-qr-result>
//     </div>
//   </form>
//   <template id="scanner-texts" data-opening="..." ...></template>   the messages below, anywhere on the page
//
// When a code is read the camera stops, the text goes into [data-qr-result] and its form
// is submitted (requestSubmit, so htmx or other submit handlers still apply).

const SCAN_INTERVAL_MS = 150;
const attached = new WeakMap();
const MAX_FRAME_SIDE = 800;

// What the scanner says, in the page's language: the data attributes of <template id="scanner-texts">
// (templates/wallet/script_texts/scanner.html), which every page running the scanner includes.
export function messages() {
  const texts = document.getElementById("scanner-texts");
  return texts ? texts.dataset : {};
}

function cameraErrorMessage(error) {
  switch (error && error.name) {
    case "NotAllowedError":
    case "SecurityError":
      return messages().denied;
    case "NotFoundError":
    case "OverconstrainedError":
      return messages().noCamera;
    case "NotReadableError":
    case "AbortError":
      return messages().busy;
    default:
      return messages().failed;
  }
}

// A decoder that actually works here, as async (source) => text | null; or null if none does.
async function workingBarcodeDetector() {
  if (typeof window.BarcodeDetector !== "function") return null;
  try {
    const formats = await window.BarcodeDetector.getSupportedFormats();
    if (!formats.includes("qr_code")) return null;
    const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    const probe = document.createElement("canvas");
    probe.width = probe.height = 8;
    await detector.detect(probe); // some builds expose the API but throw "not implemented"
    return async (video) => {
      const codes = await detector.detect(video);
      return codes.length ? codes[0].rawValue : null;
    };
  } catch {
    return null;
  }
}

const JSQR_URL = new URL("../vendor/jsqr/jsQR.js", import.meta.url);
let jsqrLoading = null;

function loadJsqr() {
  if (typeof window.jsQR === "function") return Promise.resolve();
  jsqrLoading ||= new Promise((resolve) => {
    const script = document.createElement("script");
    script.src = JSQR_URL.href;
    script.onload = script.onerror = () => resolve();
    document.head.append(script);
  });
  return jsqrLoading;
}

async function jsqrDecoder() {
  await loadJsqr();
  if (typeof window.jsQR !== "function") return null;
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });
  return async (video) => {
    const scale = Math.min(1, MAX_FRAME_SIDE / Math.max(video.videoWidth, video.videoHeight));
    canvas.width = Math.round(video.videoWidth * scale);
    canvas.height = Math.round(video.videoHeight * scale);
    context.drawImage(video, 0, 0, canvas.width, canvas.height);
    const frame = context.getImageData(0, 0, canvas.width, canvas.height);
    const code = window.jsQR(frame.data, frame.width, frame.height, { inversionAttempts: "dontInvert" });
    return code && code.data ? code.data : null;
  };
}

async function chooseDecoder() {
  return (await workingBarcodeDetector()) || (await jsqrDecoder());
}

// Opens the rear camera into `video` and calls onCode(text) once, for the first QR code read.
// Returns a controller whose stop() releases the camera; it also stops by itself after a read.
export function startScanner(video, onCode, { onError = () => {}, onStatus = () => {}, interval = SCAN_INTERVAL_MS } = {}) {
  let stream = null;
  let timer = null;
  let stopped = false;

  function stop() {
    stopped = true;
    clearTimeout(timer);
    if (stream) stream.getTracks().forEach((track) => track.stop());
    stream = null;
    video.srcObject = null;
  }

  async function run() {
    if (!navigator.mediaDevices || typeof navigator.mediaDevices.getUserMedia !== "function") {
      onError(messages().insecure);
      return;
    }
    let decode = await chooseDecoder();
    if (!decode) {
      onError(messages().noDecoder);
      return;
    }
    if (stopped) return;
    onStatus(messages().opening);
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        audio: false,
        video: { facingMode: { ideal: "environment" }, width: { ideal: 1280 }, height: { ideal: 720 } },
      });
    } catch (error) {
      onError(cameraErrorMessage(error), error);
      return;
    }
    if (stopped) {
      stop();
      return;
    }
    video.muted = true;
    video.setAttribute("playsinline", "");
    video.srcObject = stream;
    try {
      await video.play();
    } catch (error) {
      stop();
      onError(messages().failed, error);
      return;
    }
    onStatus(messages().aim);

    const tick = async () => {
      if (stopped) return;
      let text = null;
      if (video.readyState >= video.HAVE_CURRENT_DATA && video.videoWidth > 0) {
        try {
          text = await decode(video);
        } catch {
          decode = (await jsqrDecoder()) || decode; // a detector that fails mid-scan hands over to jsQR
        }
      }
      if (stopped) return;
      if (text) {
        stop();
        onStatus(messages().found);
        onCode(text);
        return;
      }
      timer = setTimeout(tick, interval);
    };
    tick();
  }

  const started = run();
  return { stop, started };
}

// Wires one [data-qr-scanner] element to its video, status, result field and form.
export function attachScanner(root) {
  if (attached.has(root)) return attached.get(root);
  const video = root.querySelector("video");
  const status = root.querySelector("[data-qr-status]");
  const result = root.querySelector("[data-qr-result]");
  const startButton = root.querySelector("[data-qr-start]");
  const stopButton = root.querySelector("[data-qr-stop]");
  let scanner = null;

  const say = (message) => {
    if (status) status.textContent = message;
  };
  const setScanning = (scanning) => {
    root.toggleAttribute("data-qr-scanning", scanning);
    if (startButton) startButton.disabled = scanning;
    if (stopButton) stopButton.disabled = !scanning;
  };

  function start() {
    if (scanner) scanner.stop();
    root.removeAttribute("data-qr-error");
    setScanning(true);
    scanner = startScanner(
      video,
      (text) => {
        setScanning(false);
        if (!result) return;
        result.value = text;
        result.dispatchEvent(new Event("change", { bubbles: true }));
        const form = result.form;
        if (form) {
          if (typeof form.requestSubmit === "function") form.requestSubmit();
          else form.submit();
        }
      },
      {
        onStatus: say,
        onError: (message) => {
          setScanning(false);
          root.setAttribute("data-qr-error", "");
          say(message);
        },
      },
    );
  }

  function stop() {
    if (scanner) scanner.stop();
    scanner = null;
    setScanning(false);
    say(messages().stopped);
  }

  if (startButton) startButton.addEventListener("click", start);
  if (stopButton) {
    stopButton.addEventListener("click", stop);
    stopButton.disabled = true;
  }
  window.addEventListener("pagehide", () => scanner && scanner.stop());

  const controller = { start, stop };
  attached.set(root, controller);
  if (!startButton && video) start();
  return controller;
}

export function attachAll(scope = document) {
  if (scope instanceof Element && scope.matches("[data-qr-scanner]")) attachScanner(scope);
  scope.querySelectorAll("[data-qr-scanner]").forEach(attachScanner);
}

attachAll();
document.addEventListener("htmx:load", (event) => attachAll(event.target));
