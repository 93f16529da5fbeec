// Left only for the channels service and screen, which another change is moving into
// app/channels and app/routes/app.channels/: they import NotFoundForShop from here. It lives in
// ~/lib/errors; delete this file once they import it from there. Location settings moved to
// app/routes/app.locations/locations.server.ts.
export { NotFoundForShop } from "~/lib/errors";
