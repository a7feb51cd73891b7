from django.urls import path

from . import devices, notifications

urlpatterns = [
    path("notifications/", notifications.NotificationList.as_view(), name="notification-list"),
    path("notifications/read-all/", notifications.NotificationReadAll.as_view(), name="notification-read-all"),
    path("notifications/<int:pk>/read/", notifications.NotificationRead.as_view(), name="notification-read"),
    path("devices/", devices.DeviceList.as_view(), name="device-list"),
    path("devices/<int:pk>/", devices.DeviceDetail.as_view(), name="device-detail"),
]
