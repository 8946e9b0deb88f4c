/**
 * @tessera/net — network backends shared by every NIC model: an L2 learning switch inside
 * the simulation, pcap capture files, and loopback UDP links between Tessera processes.
 */

export * from './types.js';
export * from './pcap.js';
export * from './switch.js';
export * from './socket.js';
export * from './backend.js';
export { default, switchLink } from './plugin.js';
