/*
 * The face-match bundle (web/dist/face-match.js): loaded by the agent's page with import() only when
 * faces are compared, so nothing of it weighs on the call. loadFaceEngine starts the face worker
 * (web/dist/face-worker.js: Human + tfjs wasm, models from /vendor/human/); the rest decides which
 * face, which result and when to sample the received video.
 */
export { matchCaptureFaces, type CaptureFaceMatch } from './face/capture-face-match.ts';
export { sampleCallFaces, type CallFaceSampler, type CallFaceSamplerOptions, type CallFaceUpdate } from './face/call-face-sampler.ts';
export { DEFAULT_CALL_SAMPLING_POLICY, type CallSamplingPolicy, type CallSamplingState } from './face/call-sampling.ts';
export { chooseFace, describeChosenFace, type DetectedFace, type FaceBox, type FaceChoice, type FaceDescription } from './face/face-choice.ts';
export { FACE_MODEL_NAME, FACE_VENDOR_PATH, loadFaceEngine, type FaceEngine, type FaceEngineOptions, type FaceImage } from './face/face-engine.ts';
export { callMatchResult, captureMatchResult, compareCaptureFaces, type CaptureComparison, type FaceMatchContext } from './face/face-match-result.ts';
export { faceSimilarity } from './face/face-similarity.ts';
