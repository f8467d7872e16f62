// Records each getUserMedia call's constraints and the stream it returned, then lets it through.
window.cameraRequests = [];
window.cameraStreams = [];
const realGetUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
navigator.mediaDevices.getUserMedia = async (constraints) => {
  window.cameraRequests.push(JSON.parse(JSON.stringify(constraints)));
  const stream = await realGetUserMedia(constraints);
  window.cameraStreams.push(stream);
  return stream;
};
