// Push reminders: show the notification, and on a tap open the page it is about.
// The payload is JSON {title, body, url, tag}; it never carries personal data. Notifications
// with the same tag replace each other (a meeting's "tomorrow" and "in an hour").

function reminderIcon() {
  const icon = PRECACHE.find((url) => url.startsWith("/static/icons/icon-192.png"));
  return icon || "/static/icons/icon-192.png";
}

// Only a path of this app is ever opened, whatever the payload says.
function reminderPath(url) {
  try {
    const target = new URL(url || "/", self.location.origin);
    return target.origin === self.location.origin ? target.pathname + target.search + target.hash : "/";
  } catch (error) {
    return "/";
  }
}

function reminderFromPush(data) {
  let payload = {};
  try {
    payload = (data && data.json()) || {};
  } catch (error) {
    payload = {};
  }
  return {
    title: payload.title || "Asysta",
    options: {
      body: payload.body || "",
      tag: payload.tag || "asysta-reminder",
      icon: reminderIcon(),
      badge: reminderIcon(),
      data: { url: reminderPath(payload.url) },
    },
  };
}

// Focus a window already showing the page, else bring an app window there, else open one.
async function openReminderPage(path) {
  const target = new URL(reminderPath(path), self.location.origin).href;
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  const showing = windows.find((client) => client.url === target);
  if (showing) return showing.focus();
  const appWindow = windows.find((client) => new URL(client.url).origin === self.location.origin);
  if (appWindow && "navigate" in appWindow) {
    const focused = await appWindow.focus();
    return focused.navigate(target);
  }
  return self.clients.openWindow(target);
}

self.addEventListener("push", (event) => {
  const reminder = reminderFromPush(event.data);
  event.waitUntil(self.registration.showNotification(reminder.title, reminder.options));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = (event.notification.data && event.notification.data.url) || "/";
  event.waitUntil(openReminderPage(url));
});
