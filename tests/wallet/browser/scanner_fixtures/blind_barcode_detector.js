// A native BarcodeDetector that works but never sees a code, so scanning runs until stopped.
window.BarcodeDetector = class {
  static async getSupportedFormats() { return ["qr_code"]; }
  async detect() { return []; }
};
