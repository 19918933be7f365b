"""Input sources (`ioConfig.inputSource`): each turns its config into local files to read."""
