// Activities of online evaluation: sample captured traffic, record scores per model, alert below the threshold.
export { sampleOnlineTraffic } from './sampleOnlineTraffic';
export { recordOnlineScores } from './recordOnlineScores';
export { alertBelowThreshold } from './alertBelowThreshold';
