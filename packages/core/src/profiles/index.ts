export { findProfile, type Profile, profileNames, registerProfile } from './registry.js';
