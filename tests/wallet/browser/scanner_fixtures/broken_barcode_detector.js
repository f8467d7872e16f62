// Desktop Chromium with experimental flags: the API exists but every detect() fails.
window.BarcodeDetector = class {
  static async getSupportedFormats() { return ["qr_code"]; }
  async detect() { throw new DOMException("Barcode detection service unavailable.", "NotSupportedError"); }
};
