// janode ships no TypeScript types. Only janode-binding.ts imports it; janode-types.ts narrows these loose
// declarations to the small typed surface the facade uses.
declare module 'janode' {
  const Janode: {
    connect(config: unknown): Promise<unknown>;
    Logger: { setLevel(level: 'debug' | 'verb' | 'info' | 'warn' | 'error' | 'none'): string };
    EVENT: {
      CONNECTION_CLOSED: string;
      CONNECTION_ERROR: string;
      SESSION_DESTROYED: string;
      HANDLE_DETACHED: string;
      HANDLE_ICE_FAILED: string;
      HANDLE_HANGUP: string;
      HANDLE_MEDIA: string;
      HANDLE_WEBRTCUP: string;
      HANDLE_SLOWLINK: string;
      HANDLE_TRICKLE: string;
    };
  };
  export default Janode;
}

declare module 'janode/plugins/videoroom' {
  const VideoRoomPlugin: { id: string; Handle: unknown; EVENT: Record<string, string> };
  export default VideoRoomPlugin;
}

declare module 'janode/plugins/echotest' {
  const EchoTestPlugin: { id: string; Handle: unknown; EVENT: Record<string, string> };
  export default EchoTestPlugin;
}
