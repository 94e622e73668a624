"""Our Rasa input and output channels, named in a credentials file by class path.

- `bot.channels.socketio.SocketIOInput`: the website widget's socket.io channel.
- `bot.channels.telegram.TelegramInput`: Telegram, webhook at
  /webhooks/telegram/webhook. It replaces Rasa 3.6's stock connector, which aborts at
  start-up when the Bot API is unreachable and, when it is reachable, fails every update
  with "Event loop is closed".

Nothing is imported here, so importing `bot` never pulls in a channel's dependencies.
"""
