// A phone's native BarcodeDetector, stood in for: it "reads" a fixed text from any video frame.
window.BarcodeDetector = class {
  static async getSupportedFormats() { return ["qr_code", "ean_13"]; }
  constructor(options) { this.formats = options.formats; }
  async detect(source) {
    if (!(source instanceof HTMLVideoElement)) return [];
    return [{ format: "qr_code", rawValue: "read-by-native-detector" }];
  }
};
